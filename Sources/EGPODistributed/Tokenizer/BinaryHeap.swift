/// An element of a `BinaryHeap`: `comesFirst` is the order in which the heap pops.
protocol HeapOrdered {
    static func comesFirst(_ a: Self, _ b: Self) -> Bool
}

/// A binary heap that pops the element that `comesFirst` before every other (the BPE trainer's
/// most frequent pair, the encoder's lowest-rank merge).
struct BinaryHeap<Element: HeapOrdered> {
    private var items: [Element] = []

    mutating func push(_ element: Element) {
        items.append(element)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard Element.comesFirst(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var best = i
                if l < items.count && Element.comesFirst(items[l], items[best]) { best = l }
                if r < items.count && Element.comesFirst(items[r], items[best]) { best = r }
                if best == i { break }
                items.swapAt(i, best)
                i = best
            }
        }
        return top
    }
}
