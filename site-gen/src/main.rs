fn main() {
    println!("site-gen");
}
