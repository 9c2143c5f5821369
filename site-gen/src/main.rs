//! The `site-gen` command: a thin layer over the library's commands.

use clap::Parser;
use site_gen::cli::Cli;
use std::process::ExitCode;

// A build allocates and frees millions of small strings and buffers on two or more threads;
// mimalloc (statically linked, C compiled by the `cc` crate on Linux, macOS and Windows) does
// that with much less work than glibc's malloc, which took about a quarter of a cold build's
// user time. Only this binary uses it: the library and the Lambda functions keep the system
// allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    Cli::parse().run()
}
