import Foundation

/// A small multi-panel line chart as standalone SVG (no dependencies): one panel per metric,
/// each with its own y range, a shared x axis (the step), ticks at round values and a legend.
///
/// Written to be read by a person: a noisy per-step series is drawn faint under its moving
/// average, a series equal to one already drawn is named in the legend instead of drawn on top of
/// it, and points that carry a standard error get error bars.
public struct SVGPlot {
    /// A point, with the half-width of its error bar (one standard error) when it has one.
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var error: Double?

        public init(_ x: Double, _ y: Double, error: Double? = nil) {
            self.x = x
            self.y = y
            self.error = error
        }
    }

    public struct Series: Sendable {
        public var label: String
        /// The points with a finite y, in order.
        public var points: [Point]
        /// Draw dots as well as the line, and each dot's value (sparse series such as evaluations).
        public var markers: Bool
        /// Moving-average window in points (see `movingAverage`); above 1 the raw line is drawn
        /// faint and the average solid.
        public var smoothing: Int

        public init(label: String, points: [Point], markers: Bool = false, smoothing: Int = 1) {
            self.label = label
            self.points = points.filter { $0.y.isFinite }
            self.markers = markers
            self.smoothing = smoothing
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

    /// The chart: panels in a 2-column grid, 460 x 300 pixels each. The x axis starts at 0.
    public func render() -> String {
        let columns = 2, pw = 460.0, ph = 300.0, top = 40.0
        let rows = (panels.count + columns - 1) / columns
        let width = pw * Double(columns), height = top + ph * Double(rows)
        var svg = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="11">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(width / 2)" y="24" text-anchor="middle" font-size="15">\(escape(title))</text>

        """
        let xs = panels.flatMap { $0.series.flatMap { $0.points.map(\.x) } }
        let xRange = (min(0, xs.min() ?? 0), max(xs.max() ?? 1, min(0, xs.min() ?? 0) + 1))
        for (i, panel) in panels.enumerated() {
            let ox = pw * Double(i % columns), oy = top + ph * Double(i / columns)
            svg += renderPanel(panel, x0: ox, y0: oy, width: pw, height: ph, xRange: xRange)
        }
        return svg + "</svg>\n"
    }

    private func renderPanel(_ panel: Panel, x0: Double, y0: Double, width: Double, height: Double, xRange: (Double, Double)) -> String {
        let same = Self.duplicates(panel.series)
        let smoothed = panel.series.enumerated().filter { same[$0.offset] == nil && $0.element.smoothing > 1 && $0.element.points.count > 1 }
        let windows = Set(smoothed.map(\.element.smoothing))
        // The legend sits above the plot area, one row per series plus a note on the smoothing.
        let legendRows = panel.series.count + (windows.isEmpty ? 0 : 1)
        let left = x0 + 58, right = x0 + width - 18, upper = y0 + 28 + 14 * Double(legendRows), lower = y0 + height - 42
        let ys = panel.series.enumerated().filter { same[$0.offset] == nil }.flatMap { $0.element.points.flatMap { p in
            [p.y - (p.error ?? 0), p.y + (p.error ?? 0)]
        } }
        let yRange = Self.range(ys)
        // Points at the ends of the x range sit a few pixels inside the frame, so that their error bars are not drawn on it.
        let inset = 8.0
        func px(_ x: Double) -> Double { left + inset + (x - xRange.0) / (xRange.1 - xRange.0) * (right - left - 2 * inset) }
        func py(_ y: Double) -> Double { lower - (y - yRange.0) / (yRange.1 - yRange.0) * (lower - upper) }
        func f(_ v: Double) -> String { Self.fixed(v) }

        var out = "<g>\n<text x=\"\(x0 + width / 2)\" y=\"\(y0 + 14)\" text-anchor=\"middle\" font-size=\"12\">\(escape(panel.title))</text>\n"
        let yTicks = Self.ticks(from: yRange.0, to: yRange.1, maxCount: 6), xTicks = Self.ticks(from: xRange.0, to: xRange.1, maxCount: 8)
        for (y, label) in zip(yTicks, Self.tickLabels(yTicks)) {
            out += "<line x1=\"\(f(left))\" x2=\"\(f(right))\" y1=\"\(f(py(y)))\" y2=\"\(f(py(y)))\" stroke=\"#e8e8e8\"/>"
            out += "<text x=\"\(f(left - 5))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(label)</text>\n"
        }
        for (x, label) in zip(xTicks, Self.tickLabels(xTicks)) {
            out += "<line x1=\"\(f(px(x)))\" x2=\"\(f(px(x)))\" y1=\"\(f(upper))\" y2=\"\(f(lower))\" stroke=\"#f0f0f0\"/>"
            out += "<text x=\"\(f(px(x)))\" y=\"\(f(lower + 14))\" text-anchor=\"middle\">\(label)</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(upper))\" width=\"\(f(right - left))\" height=\"\(f(lower - upper))\" fill=\"none\" stroke=\"#999\"/>\n"
        out += "<text x=\"\(f((left + right) / 2))\" y=\"\(f(lower + 30))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"

        func polyline(_ points: [(Double, Double)], _ color: String, _ attributes: String) -> String {
            let path = points.map { "\(f(px($0.0))),\(f(py($0.1)))" }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(color)\" \(attributes) points=\"\(path)\"/>\n"
        }
        for (j, s) in panel.series.enumerated() where same[j] == nil && !s.points.isEmpty {
            let color = Self.colors[j % Self.colors.count]
            if s.smoothing > 1 && s.points.count > 1 {
                out += polyline(s.points.map { ($0.x, $0.y) }, color, "stroke-width=\"1\" stroke-opacity=\"0.3\" class=\"raw\"")
                let average = Self.movingAverage(s.points.map(\.y), window: s.smoothing)
                out += polyline(zip(s.points, average).map { ($0.x, $1) }, color, "stroke-width=\"2\" class=\"moving-average\"")
            } else {
                // Between sparse points nothing was measured: dashed.
                out += polyline(s.points.map { ($0.x, $0.y) }, color, s.markers ? "stroke-width=\"1.2\" stroke-dasharray=\"4 3\"" : "stroke-width=\"1.5\"")
            }
            for (k, p) in s.points.enumerated() {
                if let e = p.error, e > 0 {
                    // One standard error either side, with caps.
                    let x = f(px(p.x)), top = f(py(p.y + e)), bottom = f(py(p.y - e)), c0 = f(px(p.x) - 4), c1 = f(px(p.x) + 4)
                    out += "<g class=\"error-bar\" stroke=\"\(color)\" stroke-width=\"1.2\"><line x1=\"\(x)\" x2=\"\(x)\" y1=\"\(top)\" y2=\"\(bottom)\"/>"
                    out += "<line x1=\"\(c0)\" x2=\"\(c1)\" y1=\"\(top)\" y2=\"\(top)\"/><line x1=\"\(c0)\" x2=\"\(c1)\" y1=\"\(bottom)\" y2=\"\(bottom)\"/></g>\n"
                }
                if s.markers || s.points.count == 1 {
                    out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(color)\"/>\n"
                }
                if s.markers {
                    // The value beside the dot, on the side away from the plot's nearer edge, and
                    // below the dot when the line on that side rises (so the text does not cross it).
                    let onRight = px(p.x) < (left + right) / 2
                    let neighbour = onRight ? (k + 1 < s.points.count ? s.points[k + 1] : nil) : (k > 0 ? s.points[k - 1] : nil)
                    let below = neighbour.map { $0.y > p.y } ?? false
                    let text = p.error.map { String(format: "%.3f ± %.3f", p.y, $0) } ?? String(format: "%.3g", p.y)
                    out += "<text x=\"\(f(px(p.x) + (onRight ? 7 : -7)))\" y=\"\(f(py(p.y) + (below ? 15 : -6)))\" text-anchor=\"\(onRight ? "start" : "end")\" fill=\"\(color)\">\(escape(text))</text>\n"
                }
            }
        }
        for (j, s) in panel.series.enumerated() {
            let ly = y0 + 34 + Double(j) * 14, shown = same[j] ?? j
            let color = Self.colors[shown % Self.colors.count]
            let label = same[j].map { "\(s.label) (= \(panel.series[$0].label))" } ?? s.label
            out += "<line x1=\"\(f(left + 4))\" x2=\"\(f(left + 22))\" y1=\"\(f(ly - 4))\" y2=\"\(f(ly - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
            out += "<text x=\"\(f(left + 27))\" y=\"\(f(ly))\">\(escape(label))</text>\n"
        }
        if !windows.isEmpty {
            let ly = y0 + 34 + Double(panel.series.count) * 14
            let steps = windows.sorted().map(String.init).joined(separator: " or ")
            out += "<text x=\"\(f(left + 4))\" y=\"\(f(ly))\" fill=\"#666\">solid: moving average over \(steps) \(escape(xLabel))s; faint: each \(escape(xLabel))</text>\n"
        }
        return out + "</g>\n"
    }

    /// Min and max with a 5% margin; a flat or empty series gets a unit range.
    static func range(_ values: [Double]) -> (Double, Double) {
        guard let lo = values.min(), let hi = values.max() else { return (0, 1) }
        if hi - lo < 1e-12 { return (lo - 0.5, hi + 0.5) }
        let pad = (hi - lo) * 0.05
        return (lo - pad, hi + pad)
    }

    /// Ticks at round values ("nice numbers": multiples of 1, 2 or 5 times a power of ten) inside
    /// [lo, hi]: the smallest such step that gives at most `maxCount` ticks (Heckbert, "Nice
    /// numbers for graph labels", Graphics Gems, 1990). 0...63 gives 0, 10, ..., 60; 0.0484...0.212
    /// gives 0.05, 0.10, 0.15, 0.20.
    public static func ticks(from lo: Double, to hi: Double, maxCount: Int = 7) -> [Double] {
        guard lo.isFinite, hi.isFinite, maxCount >= 1 else { return [] }
        guard hi > lo else { return [lo] }
        var magnitude = pow(10, (log10((hi - lo) / Double(maxCount))).rounded(.down))
        while true {
            for multiple in [1.0, 2, 5] {
                let step = multiple * magnitude
                // A little slack so that 0.6 / 0.2 = 2.9999999999999996 still ends at the tick 0.6.
                let first = (lo / step - 1e-9).rounded(.up), last = (hi / step + 1e-9).rounded(.down)
                if last - first + 1 <= Double(maxCount) {
                    return stride(from: first, through: last, by: 1).map { $0 * step + 0 }   // + 0: no "-0"
                }
            }
            magnitude *= 10
        }
    }

    /// Tick labels with as many decimals as the step between ticks needs (0.05, 0.10, 0.15; 0, 10, 20).
    public static func tickLabels(_ ticks: [Double]) -> [String] {
        guard ticks.count > 1 else { return ticks.map { String(format: "%g", $0) } }
        let step = ticks[1] - ticks[0]
        let decimals = max(0, Int(-(log10(step) + 1e-9).rounded(.down)))
        if decimals > 5 { return ticks.map { String(format: "%.1e", $0) } }
        return ticks.map { String(format: "%.\(decimals)f", $0) }
    }

    /// A centred moving average: each value is the mean of itself and the `window / 2` values on
    /// either side, fewer where the series ends (so the average reaches both ends without lag).
    /// - Parameter window: points averaged away from the ends (an even window counts one more).
    public static func movingAverage(_ values: [Double], window: Int) -> [Double] {
        let half = max(window, 1) / 2, n = values.count
        var sums = [0.0]
        for v in values { sums.append(sums.last! + v) }
        return (0..<n).map { i in
            let a = max(0, i - half), b = min(n - 1, i + half)
            return (sums[b + 1] - sums[a]) / Double(b - a + 1)
        }
    }

    /// The moving-average window for a series of `count` points: odd, about a tenth of the series
    /// (7 for 60 steps), 1 (no smoothing) below 10 points.
    public static func smoothingWindow(count: Int) -> Int {
        count < 10 ? 1 : min(2 * (count / 20) + 1, 101)
    }

    /// Whether two series are the same line: the same x values and y values equal to within
    /// rounding (1e-9 relative).
    public static func sameLine(_ a: [Point], _ b: [Point]) -> Bool {
        !a.isEmpty && a.count == b.count
            && zip(a, b).allSatisfy { p, q in p.x == q.x && abs(p.y - q.y) <= 1e-9 * max(1, abs(p.y), abs(q.y)) }
    }

    /// For each series, the index of an earlier drawn series it equals (it is then not drawn, and
    /// the legend says `label (= other)`), or nil.
    public static func duplicates(_ series: [Series]) -> [Int?] {
        var out: [Int?] = []
        for s in series {
            let earlier = out.indices.first { out[$0] == nil && sameLine(series[$0].points, s.points) }
            out.append(earlier)
        }
        return out
    }

    static func fixed(_ v: Double) -> String { String(format: "%.1f", v) }

    func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
