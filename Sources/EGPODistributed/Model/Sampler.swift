import ShardedTensor

/// Batched incremental decoding with a KV cache, sharing the model's layer code with training.
///
/// Each prompt is run once (prefill, in chunks of packed prompts); its keys and values serve all
/// its G completions, which then decode together one token per step. Randomness comes from
/// Philox keyed by (seed, sequence id, token index), so a completion is the same whether it is
/// sampled alone or in a batch of any size.
public final class Sampler {
    public let model: Transformer
    /// Upper bound on packed prompt tokens per prefill chunk (bounds activation memory).
    public var prefillChunkRows = 4096
    let cache: KVCache
    let acts: LayerActivations
    var x = FloatBuffer(count: 0), xNext = FloatBuffer(count: 0)    // (rows, C) residual ping-pong
    var normed = FloatBuffer(count: 0), rstd = FloatBuffer(count: 0)
    var logits = FloatBuffer(count: 0)                              // (rows, V)
    var promptLogits = FloatBuffer(count: 0)                        // (prompts, V)
    var scratch = FloatBuffer(count: 0), work: FloatBuffer
    var prefillScratch = FloatBuffer(count: 0)
    var order: [Int32]
    private var rowCapacity = 0
    private var scratchSlice = 1
    /// Wall-clock split of the last `sample` call (prompt prefill vs incremental decoding).
    public private(set) var lastTimings = SamplerTimings()

    public init(model: Transformer) {
        self.model = model
        cache = KVCache(config: model.config)
        acts = LayerActivations(config: model.config)
        work = FloatBuffer(count: model.config.vocabularySize)
        order = [Int32](repeating: 0, count: model.config.vocabularySize)
    }

    /// Floats a `sample` call allocates for `prompts` prompts of at most `promptLength` tokens
    /// (`promptTokens` in all) and `completions` completions of at most `completionLength`
    /// tokens: the KV cache, the row buffers and the attention scratch (MemoryEstimate counts
    /// with it; a test checks it against the buffers).
    public static func floats(_ config: ModelConfig, prompts: Int, promptLength: Int, promptTokens: Int, completions: Int,
                              completionLength: Int, prefillChunkRows: Int = 4096, workers: Int = Parallel.workers) -> Int {
        let c = config.hiddenSize, v = config.vocabularySize, kd = config.kvHeadCount * config.headDim
        let cache = 2 * config.layerCount * (max(1, prompts * promptLength * kd) + max(1, completions * completionLength * kd))
        let rows = max(min(prefillChunkRows, promptTokens), promptLength, completions)
        let rowBuffers = rows * (3 * c + 1 + LayerActivations.floatsPerRow(config)) + (completions + prompts + 2) * v
        let shape = AttentionShape(heads: config.headCount, kvHeads: config.kvHeadCount, headDim: config.headDim)
        let attention = max(CachedAttention.scratchCount(maxKeys: promptLength + completionLength, shape: shape),
                            CachedAttention.groupScratchCount(rows: completions, maxKeys: promptLength + completionLength, shape: shape)) * max(1, workers)
            + CausalAttention.scratchCount(maxLength: promptLength)
        return cache + rowBuffers + attention
    }

    /// Floats held now.
    public var allocatedFloats: Int {
        cache.allocatedFloats + acts.allocatedFloats + [x, xNext, normed, rstd, logits, promptLogits, scratch, work, prefillScratch].reduce(0) { $0 + $1.count }
    }

    /// Draws `completionCount` completions for every request.
    /// - Parameter sharedPrefix: the number of leading prompt tokens every request has in common
    ///   (a system prompt and chat-template preamble; `sharedPrefixLength(of:)` finds it), each
    ///   shorter than its prompt. The prefill runs those tokens once per chunk of packed prompts,
    ///   and every prompt's own tokens attend to their keys and values, instead of running them
    ///   once per prompt. 0 (the default) runs every prompt whole. Keys and values are the same
    ///   either way; each prompt's own rows sum their attention in two parts (prefix, own), so
    ///   logits may differ by rounding. Callers that want results independent of batching pass
    ///   the same value for every call (the Evaluator takes it over all its tasks).
    /// - Returns: completions grouped by request, in order (request 0's G, then request 1's, ...).
    /// - Throws: `SamplerError.promptTooLong` for the first request whose prompt leaves no room
    ///   under max_position_embeddings, before any work; `.nonFiniteLogits` when the model
    ///   produces a NaN or infinite logit (a damaged or diverged model).
    public func sample(_ requests: [SamplingRequest], options: SamplingOptions, sharedPrefix: Int = 0) throws(SamplerError) -> [Completion] {
        let config = model.config, v = config.vocabularySize
        if let index = requests.firstIndex(where: { $0.prompt.count >= config.maxPositionEmbeddings }) {
            throw .promptTooLong(index: index, length: requests[index].prompt.count, limit: config.maxPositionEmbeddings)
        }
        precondition(sharedPrefix == 0 || requests.allSatisfy { $0.prompt.count > sharedPrefix && $0.prompt[..<sharedPrefix] == requests[0].prompt[..<sharedPrefix] },
                     "Sampler.sample: the prompts do not all begin with the same \(sharedPrefix) tokens and go on past them")
        let maxPrompt = requests.map { $0.prompt.count }.max() ?? 0
        // Completion c belongs to request promptOf[c]; new tokens stop at the position limit.
        var completions: [Completion] = [], promptOf: [Int] = [], limit: [Int] = []
        for (r, req) in requests.enumerated() {
            for g in 0..<req.completionCount {
                completions.append(Completion(requestIndex: r, sequenceId: req.firstSequenceId + UInt64(g), tokens: [],
                                              logProbs: [], entropies: [], stopped: false))
                promptOf.append(r)
                limit.append(min(options.maxNewTokens, config.maxPositionEmbeddings - req.prompt.count))
            }
        }
        let maxNew = max(1, limit.max() ?? 1)
        if options.maxNewTokens <= 0 || completions.isEmpty { return completions }
        cache.reserve(prompts: requests.count, promptLength: maxPrompt, completions: completions.count, completionLength: maxNew)
        reserve(rows: max(min(prefillChunkRows, requests.reduce(0) { $0 + $1.prompt.count }), maxPrompt, completions.count),
                prompts: requests.count, completions: completions.count, maxKeys: maxPrompt + maxNew,
                groupRows: requests.map(\.completionCount).max() ?? 1)
        let clock = ContinuousClock(), started = clock.now
        prefill(requests, sharedPrefix: sharedPrefix)
        let prefilled = clock.now

        // Draw token i of completion c from its logits row; returns true when c is finished.
        func take(_ c: Int, logitsRow: UnsafePointer<Float>) throws(SamplerError) -> Bool {
            let i = completions[c].tokens.count
            // A non-finite logit (from a NaN/Inf weight or an overflow) would make the draw's
            // softmax and inverse-CDF meaningless; refuse it naming where it happened.
            if let bad = (0..<v).first(where: { !logitsRow[$0].isFinite }) {
                throw .nonFiniteLogits(request: promptOf[c], completion: c,
                                       position: requests[promptOf[c]].prompt.count + i, token: bad, value: logitsRow[bad])
            }
            let u = Philox.uniform(seed: options.seed, stream: completions[c].sequenceId, index: UInt64(i))
            let (token, lp, h) = order.withUnsafeMutableBufferPointer {
                TokenSampler.draw(logits: logitsRow, vocabulary: v, options: options, u: u, work: work.base, order: $0.baseAddress!)
            }
            completions[c].tokens.append(token)
            completions[c].logProbs.append(lp)
            completions[c].entropies.append(h)
            if options.stopTokens.contains(token) { completions[c].stopped = true; return true }
            return completions[c].tokens.count >= limit[c]
        }
        var active: [Int] = []
        for c in 0..<completions.count where try !take(c, logitsRow: promptLogits.base + promptOf[c] * v) { active.append(c) }

        var positions: [Int32] = [], lastTokens: [Int32] = [], steps = 0
        while !active.isEmpty {
            positions.removeAll(keepingCapacity: true)
            lastTokens.removeAll(keepingCapacity: true)
            for c in active {
                // The newest token enters the cache at position prompt + (completion tokens before it).
                positions.append(Int32(requests[promptOf[c]].prompt.count + completions[c].tokens.count - 1))
                lastTokens.append(completions[c].tokens.last!)
            }
            decodeStep(active: active, promptOf: promptOf, requests: requests, positions: positions, tokens: lastTokens,
                       ownLengths: active.map { completions[$0].tokens.count })
            var still: [Int] = []
            for (row, c) in active.enumerated() where try !take(c, logitsRow: logits.base + row * v) { still.append(c) }
            active = still
            steps += 1
        }
        lastTimings = SamplerTimings(prefillSeconds: (prefilled - started).seconds, decodeSeconds: (clock.now - prefilled).seconds, decodeSteps: steps)
        return completions
    }

    /// - Parameter completions: rows of next-token logits the decode steps need (the prefill
    ///   writes only each prompt's last row, into `promptLogits`), so a long prefill chunk does
    ///   not cost a (chunk rows, vocabulary) buffer.
    private func reserve(rows: Int, prompts: Int, completions: Int, maxKeys: Int, groupRows: Int = 1) {
        let config = model.config, c = config.hiddenSize, v = config.vocabularySize
        if rows > rowCapacity {
            rowCapacity = rows
            x = FloatBuffer(count: rows * c); xNext = FloatBuffer(count: rows * c)
            normed = FloatBuffer(count: rows * c); rstd = FloatBuffer(count: rows)
        }
        if completions * v > logits.count { logits = FloatBuffer(count: completions * v) }
        if prompts * v > promptLogits.count { promptLogits = FloatBuffer(count: prompts * v) }
        scratchSlice = max(scratchSlice, CachedAttention.scratchCount(maxKeys: maxKeys, shape: model.attentionShape),
                           CachedAttention.groupScratchCount(rows: groupRows, maxKeys: maxKeys, shape: model.attentionShape))
        let need = scratchSlice * max(1, Parallel.workers)
        if need > scratch.count { scratch = FloatBuffer(count: need) }
        acts.reserve(rows: rows)
    }

    /// The longest run of leading tokens all `prompts` share, kept shorter than each of them (a
    /// prompt's last token must run in its own rows, for its logits): `sample`'s `sharedPrefix`.
    /// 0 for fewer than two prompts.
    public static func sharedPrefixLength(of prompts: [[Int32]]) -> Int {
        guard prompts.count >= 2, let shortest = prompts.map(\.count).min(), shortest >= 2 else { return 0 }
        let first = prompts[0]
        var n = 0
        while n < shortest - 1 && prompts.allSatisfy({ $0[n] == first[n] }) { n += 1 }
        return n
    }

    /// Runs the prompts in packed chunks with the training forward's layers, storing each layer's
    /// keys and values in the prompt slots and each prompt's last-token logits in `promptLogits`.
    /// With a shared prefix of `shared` tokens, a chunk is the prefix's rows (one causal segment)
    /// followed by each prompt's remaining rows (segments that see the prefix rows first, at
    /// positions from `shared` on), and every slot gets the prefix's keys and values copied in.
    private func prefill(_ requests: [SamplingRequest], sharedPrefix shared: Int) {
        let config = model.config, c = config.hiddenSize, v = config.vocabularySize
        var first = 0
        while first < requests.count {
            var end = first, rows = shared
            while end < requests.count && (end == first || rows + requests[end].prompt.count - shared <= prefillChunkRows) {
                rows += requests[end].prompt.count - shared
                end += 1
            }
            var tokens = Array(requests[first].prompt[..<shared]), positions = (0..<shared).map { Int32($0) }
            var prompts: [AttentionSegment] = []             // each prompt's own rows, seeing the prefix rows
            for r in first..<end {
                let p = requests[r].prompt.count
                prompts.append(AttentionSegment(start: tokens.count, length: p - shared, prefixStart: 0, prefixLength: shared))
                tokens += requests[r].prompt[shared...]
                positions += (shared..<p).map { Int32($0) }
            }
            let segments = (shared > 0 ? [AttentionSegment(start: 0, length: shared)] : []) + prompts
            acts.reserve(rows: rows)
            let longest = segments.map(\.span).max() ?? 1
            let need = CausalAttention.scratchCount(maxLength: longest)
            if need > prefillScratch.count { prefillScratch = FloatBuffer(count: need) }
            if rows > rowCapacity { reserve(rows: rows, prompts: requests.count, completions: 0, maxKeys: 0) }
            var input = x, output = xNext
            tokens.withUnsafeBufferPointer { model.embed($0.baseAddress!, into: input.rows(rows, c)) }
            positions.withUnsafeBufferPointer { pos in
                for l in 0..<config.layerCount {
                    model.attentionInputs(l, x: input.rows(rows, c), positions: pos.baseAddress!, a: acts, rows: rows)
                    let k = acts.k.rows(rows, model.kvWidth), vv = acts.v.rows(rows, model.kvWidth)
                    for (i, seg) in prompts.enumerated() {
                        let slot = first + i, p = seg.span
                        let keys = cache.prefix(l, slot: slot, length: p, values: false), values = cache.prefix(l, slot: slot, length: p, values: true)
                        if shared > 0 {
                            model.copy(k.rows(seg.prefixRows), into: keys.rows(0 ..< shared))
                            model.copy(vv.rows(seg.prefixRows), into: values.rows(0 ..< shared))
                        }
                        model.copy(k.rows(seg.rows), into: keys.rows(shared ..< p))
                        model.copy(vv.rows(seg.rows), into: values.rows(shared ..< p))
                    }
                    if l < config.layerCount - 1 {
                        CausalAttention.forward(q: acts.q.rows(rows, model.qWidth), k: k, v: vv, into: acts.attention.rows(rows, model.qWidth),
                                                logSumExp: acts.logSumExp.base, segments: segments, shape: model.attentionShape,
                                                scratch: prefillScratch.bufferPointer)
                        model.attentionOutputAndMLP(l, x: input.rows(rows, c), a: acts, rows: rows, into: output.rows(rows, c))
                        swap(&input, &output)
                    } else {
                        lastLayerOfLastRows(l, prompts: prompts, firstSlot: first, input: input, output: output, rows: rows)
                    }
                }
            }
            // The last layer left each prompt's final hidden state in output's first rows.
            let m = prompts.count
            model.languageModelHead(output.rows(m, c), normed: normed.rows(m, c), rstd: rstd.base,
                                    into: MatrixView(promptLogits.base + first * v, rows: m, cols: v), scratch: acts.bf16)
            first = end
        }
    }

    /// The last layer of a prefill chunk, for the rows that matter: every row's keys and values
    /// are already cached, but only each prompt's last row feeds the next-token logits, so
    /// attention (as one cached query over its prompt), o_proj and the MLP run on those rows
    /// alone: about a fifth of the prefill's work for a 4-layer model.
    /// - Parameter prompts: each prompt's own rows in the chunk (after the shared prefix, if any).
    private func lastLayerOfLastRows(_ l: Int, prompts: [AttentionSegment], firstSlot: Int, input: FloatBuffer, output: FloatBuffer, rows: Int) {
        let c = model.config.hiddenSize, m = prompts.count
        let gathered = output.rows(m, c), q = acts.q.rows(rows, model.qWidth), att = acts.attention.rows(m, model.qWidth)
        for (i, seg) in prompts.enumerated() { gathered.row(i).update(from: input.base + (seg.start + seg.length - 1) * c, count: c) }
        let slice = scratchSlice
        Parallel.forEach(m, maxWorkers: scratch.count / slice) { i, worker in
            let seg = prompts[i], p = seg.span
            let keys = cache.prefix(l, slot: firstSlot + i, length: p, values: false)
            let values = cache.prefix(l, slot: firstSlot + i, length: p, values: true)
            CachedAttention.forward(q: q.row(seg.start + seg.length - 1), prefixKeys: keys.rows(0 ..< p - 1), prefixValues: values.rows(0 ..< p - 1),
                                    ownKeys: keys.rows(p - 1 ..< p), ownValues: values.rows(p - 1 ..< p), shape: model.attentionShape,
                                    into: att.row(i), scratch: scratch.base + worker * slice)
        }
        // Residual input is `gathered`; the layer's output goes to input's first rows, then back.
        model.attentionOutputAndMLP(l, x: gathered, a: acts, rows: m, into: input.rows(m, c))
        model.copy(input.rows(m, c), into: gathered)
    }

    /// One decoding step for the active completions: feeds each one's newest token, appends its
    /// keys and values to the completion's cache slot and leaves next-token logits in `logits`.
    private func decodeStep(active: [Int], promptOf: [Int], requests: [SamplingRequest], positions: [Int32], tokens: [Int32],
                            ownLengths: [Int]) {
        let config = model.config, c = config.hiddenSize, m = active.count
        var input = x, output = xNext
        var runs: [Range<Int>] = []
        for row in 0..<m {
            if let last = runs.last, promptOf[active[last.lowerBound]] == promptOf[active[row]] {
                runs[runs.count - 1] = last.lowerBound ..< row + 1
            } else {
                runs.append(row ..< row + 1)
            }
        }
        tokens.withUnsafeBufferPointer { model.embed($0.baseAddress!, into: input.rows(m, c)) }
        positions.withUnsafeBufferPointer { pos in
            for l in 0..<config.layerCount {
                model.attentionInputs(l, x: input.rows(m, c), positions: pos.baseAddress!, a: acts, rows: m)
                let q = acts.q.rows(m, model.qWidth), k = acts.k.rows(m, model.kvWidth), vv = acts.v.rows(m, model.kvWidth)
                let att = acts.attention.rows(m, model.qWidth)
                // Append this step's keys/values, then attend; rows are independent, so they
                // spread over workers, each with its own scratch slice.
                for (row, slot) in active.enumerated() {
                    let n = ownLengths[row]
                    cache.own(l, slot: slot, length: n, values: false).row(n - 1).update(from: k.row(row), count: model.kvWidth)
                    cache.own(l, slot: slot, length: n, values: true).row(n - 1).update(from: vv.row(row), count: model.kvWidth)
                }
                // The rows of one prompt's completions are consecutive (completions are numbered
                // prompt by prompt and `active` keeps their order): each run attends as a group,
                // so the prompt's keys and values are read once per step, not once per row.
                let slice = scratchSlice
                Parallel.forEach(runs.count, maxWorkers: scratch.count / slice) { i, worker in
                    let rows = runs[i], r = promptOf[active[rows.lowerBound]], p = requests[r].prompt.count
                    let own = rows.map { row in
                        (keys: cache.own(l, slot: active[row], length: ownLengths[row], values: false),
                         values: cache.own(l, slot: active[row], length: ownLengths[row], values: true))
                    }
                    CachedAttention.forwardGroup(q: q.rows(rows), prefixKeys: cache.prefix(l, slot: r, length: p, values: false),
                                                 prefixValues: cache.prefix(l, slot: r, length: p, values: true), own: own,
                                                 shape: model.attentionShape, into: att.rows(rows), scratch: scratch.base + worker * slice)
                }
                model.attentionOutputAndMLP(l, x: input.rows(m, c), a: acts, rows: m, into: output.rows(m, c))
                swap(&input, &output)
            }
        }
        model.languageModelHead(input.rows(m, c), normed: normed.rows(m, c), rstd: rstd.base, into: logits.rows(m, config.vocabularySize),
                                scratch: acts.bf16)
    }
}

/// Where a `sample` call spent its time.
public struct SamplerTimings: Sendable, Equatable {
    /// Running the prompts through the model (prefill).
    public var prefillSeconds: Double = 0
    /// The incremental steps after it.
    public var decodeSeconds: Double = 0
    /// Number of incremental steps (each feeds one token per active completion).
    public var decodeSteps: Int = 0
}
