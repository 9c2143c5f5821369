//! Benchmark runner (being written).
fn main() {}
