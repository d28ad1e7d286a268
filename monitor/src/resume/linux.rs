//! Resumes and the network coming back as the system services of Linux
//! tell them on the system bus: logind's `PrepareForSleep` and
//! NetworkManager's `StateChanged`.

use futures_util::StreamExt;

use super::Control;
use crate::owner::Command;

/// Listens to both services for as long as the app runs.
pub async fn watch_system_bus(control: Control) {
    let logind = SystemSignal {
        service: "org.freedesktop.login1",
        path: "/org/freedesktop/login1",
        interface: "org.freedesktop.login1.Manager",
        signal: "PrepareForSleep",
    };
    let network = SystemSignal {
        service: "org.freedesktop.NetworkManager",
        path: "/org/freedesktop/NetworkManager",
        interface: "org.freedesktop.NetworkManager",
        signal: "StateChanged",
    };
    tokio::join!(
        // PrepareForSleep(false): the machine woke up.
        logind.refresh_when(control.clone(), "resumed from sleep (logind)", |going_to_sleep: bool| !going_to_sleep),
        network.refresh_when(control, "the network is back", |state: u32| state == NM_CONNECTED_GLOBAL),
    );
}

/// NetworkManager's state for full connectivity (`NM_STATE_CONNECTED_GLOBAL`).
const NM_CONNECTED_GLOBAL: u32 = 70;

/// A signal of a system service, on the system bus.
struct SystemSignal {
    service: &'static str,
    path: &'static str,
    interface: &'static str,
    signal: &'static str,
}

impl SystemSignal {
    /// Polls every organization whenever the signal's argument passes `test`;
    /// without a system bus or the service, says so once and returns.
    async fn refresh_when<T>(self, control: Control, why: &str, test: impl Fn(T) -> bool)
    where
        T: serde::de::DeserializeOwned + zbus::zvariant::Type,
    {
        if let Err(e) = self.listen(&control, why, test).await {
            log::info!("no {} signals ({e}); resumes are found by the clocks", self.signal);
        }
    }

    async fn listen<T>(&self, control: &Control, why: &str, test: impl Fn(T) -> bool) -> zbus::Result<()>
    where
        T: serde::de::DeserializeOwned + zbus::zvariant::Type,
    {
        let connection = zbus::Connection::system().await?;
        let proxy = zbus::Proxy::new(&connection, self.service, self.path, self.interface).await?;
        let mut signals = proxy.receive_signal(self.signal).await?;
        while let Some(signal) = signals.next().await {
            if test(signal.body().deserialize()?) {
                log::info!("{why}: polling every organization now");
                let _ = control.send(Command::Resumed);
            }
        }
        Ok(())
    }
}
