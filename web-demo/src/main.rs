//! The webslm demo page (leptos, client-side rendered).

mod app;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
