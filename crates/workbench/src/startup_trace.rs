//! `WWDEV_STARTUP_TRACE=1`: one stderr line per startup step, with the milliseconds since
//! `run()` began, for the startup breakdown in bench/README.md. Off, it costs one env read.
use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

/// Call first in `run()`.
pub fn begin() {
    START.get_or_init(|| std::env::var_os("WWDEV_STARTUP_TRACE").is_some_and(|v| v == "1").then(Instant::now));
}

pub fn step(name: &str) {
    if let Some(Some(t0)) = START.get() {
        eprintln!("wwdev-startup {:>8.1} ms  {name}", t0.elapsed().as_secs_f64() * 1000.0);
    }
}
