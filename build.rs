//! `include_dir!` embeds `locales/` and `helplines/`, but Cargo only notices edits to files it
//! already knew; this makes a new locale or country file trigger a rebuild too.
fn main() {
    println!("cargo::rerun-if-changed=locales");
    println!("cargo::rerun-if-changed=helplines");
    // `sqlx::migrate!` embeds migrations/ too.
    println!("cargo::rerun-if-changed=migrations");
}
