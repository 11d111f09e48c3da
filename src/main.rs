fn main() -> std::process::ExitCode {
    safe_button::cli::main()
}
