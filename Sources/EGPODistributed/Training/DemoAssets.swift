import Foundation

/// Files the embedded default run ships with (Sources/EGPODistributed/Resources).
public enum DemoAssets {
    /// The SFT checkpoint `launcher train` starts from when `model.checkpoint` is empty.
    public static var sftCheckpoint: URL {
        // The folder is copied whole (`.copy("Resources")`) into the bundle directory.
        Bundle.module.bundleURL.appendingPathComponent("Resources").appendingPathComponent("sft-demo.h5")
    }
}
