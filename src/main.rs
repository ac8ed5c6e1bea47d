//! The `lockstep` binary: everything happens in [`lockstep::startup`].

fn main() -> std::process::ExitCode {
    lockstep::startup::main()
}
