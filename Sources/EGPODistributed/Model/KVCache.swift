import ShardedTensor

/// Keys and values of every layer for a sampling call: one slot per prompt (its prefix, shared by
/// the prompt's completions) and one slot per completion (its own tokens). Grows, then is reused.
final class KVCache {
    let layerCount: Int
    let width: Int                            // K * D
    private(set) var promptSlots = 0, promptCapacity = 0
    private(set) var completionSlots = 0, completionCapacity = 0
    var prefixKeys: [FloatBuffer] = [], prefixValues: [FloatBuffer] = []     // per layer (slots * capacity, K*D)
    var ownKeys: [FloatBuffer] = [], ownValues: [FloatBuffer] = []

    init(config: ModelConfig) {
        layerCount = config.layerCount
        width = config.kvHeadCount * config.headDim
    }

    private var prefixFloats = 0, ownFloats = 0

    /// Floats held now (keys and values of every layer).
    var allocatedFloats: Int { 2 * layerCount * (prefixFloats + ownFloats) }

    func reserve(prompts: Int, promptLength: Int, completions: Int, completionLength: Int) {
        let needPrefix = max(1, prompts * promptLength * width), needOwn = max(1, completions * completionLength * width)
        if needPrefix > prefixFloats {
            prefixFloats = needPrefix
            prefixKeys = (0..<layerCount).map { _ in FloatBuffer(count: needPrefix) }
            prefixValues = (0..<layerCount).map { _ in FloatBuffer(count: needPrefix) }
        }
        if needOwn > ownFloats {
            ownFloats = needOwn
            ownKeys = (0..<layerCount).map { _ in FloatBuffer(count: needOwn) }
            ownValues = (0..<layerCount).map { _ in FloatBuffer(count: needOwn) }
        }
        // Slots are re-cut for this call; the buffers only grow.
        (promptSlots, promptCapacity) = (prompts, promptLength)
        (completionSlots, completionCapacity) = (completions, completionLength)
    }

    /// Rows 0..<length of prompt slot `slot` in layer `l`'s keys or values.
    func prefix(_ l: Int, slot: Int, length: Int, values: Bool) -> MatrixView {
        let b = values ? prefixValues[l] : prefixKeys[l]
        return MatrixView(b.base + slot * promptCapacity * width, rows: length, cols: width)
    }

    /// Rows 0..<length of completion slot `slot` in layer `l`'s keys or values.
    func own(_ l: Int, slot: Int, length: Int, values: Bool) -> MatrixView {
        let b = values ? ownValues[l] : ownKeys[l]
        return MatrixView(b.base + slot * completionCapacity * width, rows: length, cols: width)
    }
}
