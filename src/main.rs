fn main() {
    println!("nixdeps {}", env!("CARGO_PKG_VERSION"));
}
