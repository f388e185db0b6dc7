import ShardedTensor

/// The parameters an optimizer trains, in one flat buffer of their own (`values`, laid out by
/// `layout`), apart from the frozen weights the model only reads. Everything a data-parallel
/// update keeps per parameter follows this layout: the gradient buffer
/// (`Transformer.backward(_:...:gradients:layout:workspace:)`), Adam's moments, the all-reduce,
/// ZeRO-1's shards and a checkpoint's moments.
///
/// - Full fine-tuning (`wholeModel`): every model tensor, and `values` *is* the model's own
///   parameter buffer, so nothing is copied and every number is what it was before this seam.
/// - Frozen tensors (`init(model:freezing:)`): the trained tensors are copied into `values`, in
///   the model's order; after every update `publish()` writes them back into the model's buffer,
///   which the forward, the sampler and the checkpoint's model file read. A frozen tensor gets no
///   gradient (a frozen linear skips its weight gradient, still passing the input gradient on),
///   no moments and no traffic.
/// - Adapters (`adapters(of:)`, LoRA): the model's adapter tensors, no model tensor behind them
///   (`modelEntries[i] == nil`); `values` *is* the adapters' buffer, which the forward reads.
public final class TrainableParameters: @unchecked Sendable {
    /// The trained tensors, packed back to back.
    public let layout: ParameterLayout
    /// Their values (`layout.totalCount` floats): the optimizer's parameters.
    public let values: FloatBuffer
    /// For each entry of `layout`, the model tensor it trains (nil: an adapter, not in the model).
    public let modelEntries: [ParameterLayout.Entry?]
    /// The model whose buffer `publish()` writes.
    public let model: Transformer

    private init(layout: ParameterLayout, values: FloatBuffer, modelEntries: [ParameterLayout.Entry?], model: Transformer) {
        precondition(values.count == layout.totalCount && modelEntries.count == layout.entries.count,
                     "TrainableParameters: \(values.count) values, \(modelEntries.count) model entries for a layout of \(layout.totalCount) floats in \(layout.entries.count) tensors")
        self.layout = layout
        self.values = values
        self.modelEntries = modelEntries
        self.model = model
    }

    /// Every tensor of `model` trained, in place: `values` is `model.parameters`.
    public static func wholeModel(_ model: Transformer) -> TrainableParameters {
        TrainableParameters(layout: model.layout, values: model.parameters, modelEntries: model.layout.entries, model: model)
    }

    /// The tensors of `model` whose names `frozen` rejects, copied into a buffer of their own;
    /// with nothing frozen this is `wholeModel(model)` (no copy).
    public convenience init(model: Transformer, freezing frozen: (String) -> Bool) {
        let trained = model.layout.entries.filter { !frozen($0.name) }
        precondition(!trained.isEmpty, "TrainableParameters: every tensor of the model is frozen")
        if trained.count == model.layout.entries.count {
            let whole = Self.wholeModel(model)
            self.init(layout: whole.layout, values: whole.values, modelEntries: whole.modelEntries, model: model)
            return
        }
        let layout = ParameterLayout(trained.map { ($0.name, $0.shape) })
        let values = FloatBuffer(count: layout.totalCount)
        for (mine, theirs) in zip(layout.entries, trained) {
            values.tensor(mine).baseAddress!.update(from: model.parameters.tensor(theirs).baseAddress!, count: theirs.count)
        }
        self.init(layout: layout, values: values, modelEntries: trained, model: model)
    }

    /// The adapters of `model` (which must have them), trained in place; every model tensor is
    /// frozen.
    public static func adapters(of model: Transformer) -> TrainableParameters {
        guard let adapters = model.adapters else { preconditionFailure("TrainableParameters.adapters: the model has no adapters") }
        return TrainableParameters(layout: adapters.layout, values: adapters.values,
                                   modelEntries: Array(repeating: nil, count: adapters.layout.entries.count), model: model)
    }

    /// True when the trained tensors are the model's adapters.
    public var isAdapters: Bool { values === model.adapters?.values }

    /// True when the trained set is every model tensor and `values` is the model's buffer.
    public var isWholeModel: Bool { values === model.parameters }

    /// Names of the model tensors nothing trains.
    public var frozenTensorNames: [String] {
        model.layout.entries.map(\.name).filter { layout.entry(named: $0) == nil }
    }

    /// A zeroed gradient buffer in `layout`.
    public func makeGradientBuffer() -> FloatBuffer { FloatBuffer(count: layout.totalCount) }

    /// Writes the trained values into the model's buffer (after an update, an all-gather or a
    /// restore); nothing to do when `values` is the model's buffer.
    public func publish() {
        guard !isWholeModel else { return }
        for (mine, theirs) in zip(layout.entries, modelEntries) {
            guard let theirs else { continue }
            model.parameters.tensor(theirs).baseAddress!.update(from: values.tensor(mine).baseAddress!, count: mine.count)
        }
    }
}
