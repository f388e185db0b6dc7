// swift-tools-version:6.0
import PackageDescription

// System libraries come in through pkg-config (see ../shared/docs/TOOLCHAIN.md): `ompi-c`,
// `openblas` and `hdf5-serial` are the names that do not flip when another MPI or HDF5 is
// installed. No unsafeFlags, so the package stays usable as a dependency.
let package = Package(
    name: "EGPOTrainer",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "launcher", targets: ["launcher"]),
        .library(name: "ShardedTensor", targets: ["ShardedTensor"]),
        .library(name: "HDF5", targets: ["HDF5"]),
        .library(name: "FileChecks", targets: ["FileChecks"]),
        .library(name: "FunctionCalling", targets: ["FunctionCalling"]),
        .library(name: "EGPODistributed", targets: ["EGPODistributed"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // YAML run configs (JSON is read by Foundation).
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // SHA-256 of the base model a LoRA checkpoint belongs to.
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0" ..< "5.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        // bf16 matrix products through oneDNN (Debian's libdnnl-dev, no pkg-config file): a small C
        // wrapper over its matmul primitive, so no oneDNN type reaches Swift.
        .target(name: "COneDNN", linkerSettings: [.linkedLibrary("dnnl"), .linkedLibrary("gomp")]),
        // The exp-heavy row kernels (softmax, token statistics, SwiGLU) in 16-lane vectors, built
        // for AVX-512, AVX2 and the baseline and chosen at load time (no unsafeFlags needed).
        .target(name: "CVectorMath"),

        // Numbers and their distribution: kernels, communicators, sharded buffers.
        .target(name: "ShardedTensor", dependencies: ["CMPI", "COpenBLAS", "COneDNN", "CVectorMath"]),
        // Checked, typed, atomic HDF5 files (checkpoints, model files).
        .target(name: "FileChecks"),
        .target(name: "HDF5", dependencies: ["CHDF5", "FileChecks"]),
        // The task world: BFCL data, decoders, the AST checker, synthetic tasks. No training.
        .target(name: "FunctionCalling", dependencies: ["FileChecks"], resources: [.copy("Resources/bfcl")]),
        // The policy and the algorithm.
        .target(name: "EGPODistributed", dependencies: ["ShardedTensor", "HDF5", "FileChecks", "FunctionCalling", "Yams",
                                                     .product(name: "Crypto", package: "swift-crypto")],
                resources: [.copy("Resources")]),
        .executableTarget(
            name: "launcher",
            dependencies: [
                "ShardedTensor", "HDF5", "FunctionCalling", "EGPODistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared test helpers: tolerances, finite differences, fixture paths.
        .target(name: "TestSupport", dependencies: ["ShardedTensor"]),
        .testTarget(name: "ShardedTensorTests", dependencies: ["ShardedTensor", "CVectorMath", "TestSupport"]),
        .testTarget(name: "HDF5Tests", dependencies: ["HDF5", "TestSupport"]),
        .testTarget(name: "FunctionCallingTests", dependencies: ["FunctionCalling", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "EGPODistributedTests", dependencies: ["EGPODistributed", "FileChecks", "TestSupport"], exclude: ["Fixtures"]),
    ]
)
