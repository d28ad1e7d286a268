//! The tray on Windows: tray-icon's Win32 icon hears of clicks and menu
//! choices through the messages of the thread that made it, so that thread
//! runs a message loop (tao's, with no window) and takes each update as an
//! event of that loop.

use std::sync::mpsc;

use tao::event::Event;
use tao::event_loop::{ControlFlow, EventLoopBuilder};
use tao::platform::run_return::EventLoopExtRunReturn;
use tao::platform::windows::EventLoopBuilderExtWindows;

use super::TrayContent;

/// Shows each update until the sender is gone, pumping the thread's
/// messages meanwhile.
pub fn show_updates(updates: mpsc::Receiver<TrayContent>, mut show: impl FnMut(TrayContent)) {
    // `None` ends the loop: the tray is dropped.
    let mut event_loop = EventLoopBuilder::<Option<TrayContent>>::with_user_event().with_any_thread(true).build();
    let proxy = event_loop.create_proxy();
    std::thread::Builder::new()
        .name("tray updates".into())
        .spawn(move || {
            for next in updates {
                if proxy.send_event(Some(next)).is_err() {
                    return;
                }
            }
            let _ = proxy.send_event(None);
        })
        .expect("a thread starts");
    event_loop.run_return(move |event, _, control_flow| {
        *control_flow = ControlFlow::Wait;
        match event {
            Event::UserEvent(Some(next)) => show(next),
            Event::UserEvent(None) => *control_flow = ControlFlow::Exit,
            _ => {}
        }
    });
}
