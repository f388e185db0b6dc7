import Foundation
import Testing
import TestSupport
@testable import EGPODistributed

/// NaN weights in a Hugging Face folder: before, imported (and exported again) without a word;
/// now refused at import, as training refuses them, naming the file, the tensor and the element.
@Suite struct NonFiniteImportCommandLineTests {
    @Test func aNaNWeightIsRefusedAtImport() throws {
        let base = try HuggingFaceFolder.read(from: SafeTensorsHeaderCommandLineTests.fixture.path)
        let layout = base.config.parameterLayout
        let norm = try #require(layout.entries.first { $0.name == "model.norm.weight" })
        base.parameters.base[norm.offset + 3] = .nan
        let dir = try Fixtures.temporaryDirectory("nan-import")
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = dir.appendingPathComponent("model").path
        try base.write(to: folder, dtype: .f32)
        let out = dir.appendingPathComponent("m.h5").path
        let run = try LauncherBinary.run(["import", "--from", folder, "--out", out])
        #expect(!run.signaled && run.status == 1, "\(run.stderr)")
        #expect(run.stderr == "Error: \(folder)/model.safetensors: tensor model.norm.weight: element 3 is nan "
                + "(expected finite weights; the file is damaged or holds a diverged model)\n", "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
