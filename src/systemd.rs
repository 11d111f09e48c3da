//! systemd's readiness and watchdog protocol (`Type=notify`, `WatchdogSec=`): datagrams to
//! the socket named by `NOTIFY_SOCKET`. Without that variable (not under systemd) nothing
//! is sent.

use std::io;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// Where systemd listens, if it does.
const SOCKET_VARIABLE: &str = "NOTIFY_SOCKET";
/// The watchdog period systemd expects pings within, in microseconds.
const WATCHDOG_VARIABLE: &str = "WATCHDOG_USEC";

/// Sends `state` (e.g. `READY=1`); `Ok(false)` when not run by systemd.
pub fn notify(state: &str) -> io::Result<bool> {
    let Some(path) = std::env::var_os(SOCKET_VARIABLE) else {
        return Ok(false);
    };
    send(&path, state)?;
    Ok(true)
}

/// Sends `state` to the socket at `path` (`@name`: an abstract socket), without waiting.
fn send(path: &std::ffi::OsStr, state: &str) -> io::Result<()> {
    let socket = UnixDatagram::unbound()?;
    // Called from async code: a full queue on systemd's side must not block a worker.
    socket.set_nonblocking(true)?;
    let path = path.to_string_lossy();
    if let Some(name) = path.strip_prefix('@') {
        // An abstract socket (Linux): no file behind the name.
        #[cfg(target_os = "linux")]
        {
            use std::os::linux::net::SocketAddrExt;
            let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
            socket.send_to_addr(state.as_bytes(), &address)?;
        }
        #[cfg(not(target_os = "linux"))]
        return Err(io::Error::new(io::ErrorKind::Unsupported, name.to_owned()));
    } else {
        socket.send_to(state.as_bytes(), path.as_ref())?;
    }
    Ok(())
}

/// How often to ping the watchdog: half its period, if systemd set one.
pub fn watchdog_interval() -> Option<Duration> {
    let micros: u64 = std::env::var(WATCHDOG_VARIABLE).ok()?.trim().parse().ok()?;
    (micros > 0).then(|| Duration::from_micros(micros / 2))
}

/// Whether systemd waits for this process's notifications.
pub fn is_supervised() -> bool {
    std::env::var_os(SOCKET_VARIABLE).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_on_the_other_side_fails_at_once_instead_of_blocking() {
        let folder = tempfile::TempDir::new().unwrap();
        let path = folder.path().join("notify.socket");
        let receiver = UnixDatagram::bind(&path).unwrap();
        // Linux queues about ten datagrams per socket: far more are sent, none is read.
        let outcomes: Vec<io::Result<()>> = (0..200)
            .map(|_| send(path.as_os_str(), "WATCHDOG=1"))
            .collect();
        assert!(outcomes[0].is_ok());
        assert!(
            outcomes
                .iter()
                .filter_map(|outcome| outcome.as_ref().err())
                .all(|error| error.kind() == io::ErrorKind::WouldBlock),
            "{outcomes:?}"
        );
        let mut buffer = [0u8; 32];
        let length = receiver.recv(&mut buffer).unwrap();
        assert_eq!(&buffer[..length], b"WATCHDOG=1");
    }
}
