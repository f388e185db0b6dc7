/// Token embedding lookup and its scatter-add backward.
public enum Embedding {
    /// out[r] = table[tokens[r]]. table (V, C), out (N, C).
    public static func forward(table: MatrixView, tokens: UnsafePointer<Int32>, into out: MatrixView) {
        precondition(table.cols == out.cols, "Embedding: table width \(table.cols), out width \(out.cols)")
        for r in 0..<out.rows {
            let t = Int(tokens[r])
            precondition(t >= 0 && t < table.rows, "Embedding: token \(t) outside vocabulary 0..<\(table.rows)")
            out.row(r).update(from: table.row(t), count: out.cols)
        }
    }

    /// dTable[tokens[r]] += dOut[r] (accumulates; repeated tokens add up).
    public static func backward(_ dOut: MatrixView, tokens: UnsafePointer<Int32>, dTable: MatrixView) {
        for r in 0..<dOut.rows {
            let dst = dTable.row(Int(tokens[r])), src = dOut.row(r)
            for j in 0..<dOut.cols { dst[j] += src[j] }
        }
    }
}
