import HDF5
import ShardedTensor
import Testing
import TestSupport
@testable import EGPODistributed

/// Every parameter gradient in `gradients` against the reference's `grad/<name>` datasets in
/// `expected`, tensor by tensor, within 1e-4 of that tensor's largest reference magnitude (and
/// 1e-4 relative): the check both golden suites (the Llama one and the Hugging Face folders)
/// make of a backward pass.
func expectGradientsMatch(_ gradients: FloatBuffer, layout: ParameterLayout, expected: HDF5Group, label: String,
                          sourceLocation: SourceLocation = #_sourceLocation) throws {
    for entry in layout.entries {
        let reference = try expected.readDataset("grad/\(entry.name)", as: Double.self, expectedShape: entry.shape).values
        let ours = Array(UnsafeBufferPointer(start: gradients.base + entry.offset, count: entry.count))
        let scale = max(reference.map(abs).max()!, 1e-12)
        let check = closeness(ours, reference, atol: 1e-4 * scale, rtol: 1e-4, label: "\(label) d\(entry.name)")
        #expect(check.ok, "\(check)", sourceLocation: sourceLocation)
    }
}
