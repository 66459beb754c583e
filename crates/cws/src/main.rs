fn main() -> anyhow::Result<()> {
    println!("cws {}", env!("CARGO_PKG_VERSION"));
    Ok(())
}
