import Foundation

/// A small multi-panel line chart as standalone SVG (no dependencies): one panel per metric,
/// each with its own y range, a shared x axis (the step), tick labels and a legend.
public struct SVGPlot {
    public struct Series: Sendable {
        public var label: String
        public var points: [(x: Double, y: Double)]
        /// Draw dots as well as the line (sparse series such as evaluations).
        public var markers: Bool
        public init(label: String, points: [(x: Double, y: Double)], markers: Bool = false) {
            self.label = label
            self.points = points.filter { $0.y.isFinite }
            self.markers = markers
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var series: [Series]
        public init(title: String, series: [Series]) {
            self.title = title
            self.series = series
        }
    }

    public var title: String
    public var xLabel: String
    public var panels: [Panel]

    public init(title: String, xLabel: String = "step", panels: [Panel]) {
        self.title = title
        self.xLabel = xLabel
        self.panels = panels
    }

    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"]

    /// The chart: panels in a 2-column grid, 420 x 260 pixels each.
    public func render() -> String {
        let columns = 2, pw = 420.0, ph = 260.0, top = 40.0
        let rows = (panels.count + columns - 1) / columns
        let width = pw * Double(columns), height = top + ph * Double(rows)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="24" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        let xs = panels.flatMap { $0.series.flatMap { $0.points.map(\.x) } }
        let xRange = Self.range(xs)
        for (i, panel) in panels.enumerated() {
            let ox = pw * Double(i % columns), oy = top + ph * Double(i / columns)
            svg += renderPanel(panel, x0: ox, y0: oy, width: pw, height: ph, xRange: xRange)
        }
        return svg + "</svg>\n"
    }

    private func renderPanel(_ panel: Panel, x0: Double, y0: Double, width: Double, height: Double, xRange: (Double, Double)) -> String {
        let left = x0 + 55, right = x0 + width - 15, upper = y0 + 25, lower = y0 + height - 40
        let ys = panel.series.flatMap { $0.points.map(\.y) }
        let yRange = Self.range(ys)
        func px(_ x: Double) -> Double { left + (x - xRange.0) / (xRange.1 - xRange.0) * (right - left) }
        func py(_ y: Double) -> Double { lower - (y - yRange.0) / (yRange.1 - yRange.0) * (lower - upper) }
        var out = "<g>\n<text x=\"\(x0 + width / 2)\" y=\"\(y0 + 14)\" text-anchor=\"middle\" font-size=\"12\">\(escape(panel.title))</text>\n"
        out += "<rect x=\"\(left)\" y=\"\(upper)\" width=\"\(right - left)\" height=\"\(lower - upper)\" fill=\"none\" stroke=\"#999\"/>\n"
        for k in 0...4 {
            let fy = yRange.0 + (yRange.1 - yRange.0) * Double(k) / 4, fx = xRange.0 + (xRange.1 - xRange.0) * Double(k) / 4
            out += "<line x1=\"\(left)\" x2=\"\(right)\" y1=\"\(py(fy))\" y2=\"\(py(fy))\" stroke=\"#eee\"/>\n"
            out += "<text x=\"\(left - 4)\" y=\"\(py(fy) + 4)\" text-anchor=\"end\">\(Self.tick(fy))</text>\n"
            out += "<text x=\"\(px(fx))\" y=\"\(lower + 14)\" text-anchor=\"middle\">\(Self.tick(fx))</text>\n"
        }
        out += "<text x=\"\((left + right) / 2)\" y=\"\(lower + 30)\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        for (j, s) in panel.series.enumerated() where !s.points.isEmpty {
            let color = Self.colors[j % Self.colors.count]
            let path = s.points.map { "\(Self.fixed(px($0.x))),\(Self.fixed(py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(path)\"/>\n"
            if s.markers || s.points.count == 1 {
                for p in s.points { out += "<circle cx=\"\(Self.fixed(px(p.x)))\" cy=\"\(Self.fixed(py(p.y)))\" r=\"3\" fill=\"\(color)\"/>\n" }
            }
            let ly = upper + 12 + Double(j) * 13
            out += "<line x1=\"\(left + 8)\" x2=\"\(left + 24)\" y1=\"\(ly - 4)\" y2=\"\(ly - 4)\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(left + 28)\" y=\"\(ly)\">\(escape(s.label))</text>\n"
        }
        return out + "</g>\n"
    }

    /// Min and max with a margin; a flat or empty series gets a unit range.
    static func range(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        if hi - lo < 1e-12 { return (lo - 0.5, hi + 0.5) }
        let pad = (hi - lo) * 0.05
        return (lo - pad, hi + pad)
    }

    static func tick(_ v: Double) -> String {
        let a = abs(v)
        if a == 0 { return "0" }
        if a >= 1000 || a < 0.01 { return String(format: "%.1e", v) }
        return a >= 10 ? String(format: "%.0f", v) : String(format: "%.3g", v)
    }

    static func fixed(_ v: Double) -> String { String(format: "%.1f", v) }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
