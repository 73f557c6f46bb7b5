//! A bare Tauri window: shows one static page and exits 0 once it has loaded.
//! The baseline wwdev's `--exit-when-ready` startup is compared against.
use tauri::Manager;
use tauri::webview::PageLoadEvent;

fn main() {
    tauri::Builder::default()
        .on_page_load(|webview, payload| {
            if payload.event() == PageLoadEvent::Finished {
                webview.app_handle().exit(0);
            }
        })
        .run(tauri::generate_context!())
        .expect("bare tauri app failed");
}
