fn main() -> std::process::ExitCode {
    dms_tray::cli::run()
}
