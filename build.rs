//! Embeds NetDebug's icon and version in the Windows executable (what Explorer and the task
//! bar show); other targets need nothing from here.

// A build script talks to cargo through its standard output.
#![allow(clippy::print_stdout)]

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=resources/icon/netdebug.ico");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    let mut resource = winresource::WindowsResource::new();
    resource
        .set_icon("resources/icon/netdebug.ico")
        .set("ProductName", "NetDebug")
        .set(
            "FileDescription",
            "NetDebug network debugging assistant (网络调试助手)",
        );
    if let Err(error) = resource.compile() {
        // Linting for Windows needs no resource compiler; a release build checks for the
        // icon (tools/windows.sh).
        println!("cargo:warning=the .exe gets no icon or version: {error}");
    }
}
