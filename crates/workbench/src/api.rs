//! One async method per registered command on [`Workbench`], generated from the
//! registry (registry.rs). The desktop shell and tests call commands through these.

pub use prelude::*;

/// The types command signatures name; every registry callback imports them.
pub mod prelude {
    pub use crate::types::*;
    pub use crate::types_diag::*;
    pub use crate::types_log::*;
    pub use crate::live::{LiveEventView, LiveSessionView};
    pub use wwdev_core::jssdk::DiagnosedCause;
    pub use serde_json::Value as JsonValue;
    pub use wwdev_core::error::{UiError, UiResult};
}

use crate::Workbench;
#[allow(unused_imports)]
use crate::commands::{console, credentials, diagnose, domain, errcodes, identity, links, log, profiles, sandbox, sign};
use crate::signer;
use crate::qr;

/// `None` for a missing or blank optional text field: the UI may send either.
fn blank(s: Option<String>) -> Option<String> {
    s.filter(|s| !s.trim().is_empty())
}

macro_rules! workbench_methods {
    ($wb:ident; $( $name:ident ( $($arg:ident : $ty:ty),* $(,)? ) -> $ret:ty => $body:expr ;)*) => {
        impl Workbench {
            $(
                #[allow(clippy::too_many_arguments, clippy::unused_async)]
                pub async fn $name(&self, $($arg: $ty),*) -> UiResult<$ret> {
                    self.started().await;
                    #[allow(unused_variables)]
                    let $wb = self;
                    $body
                }
            )*
        }

        /// The name of every registered command, in registry order.
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];
    };
}

crate::with_commands!(workbench_methods);
