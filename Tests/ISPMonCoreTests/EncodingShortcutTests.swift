import Testing
@testable import ISPMonCore

/// The ingest path's shortcuts give what the plain computations give, for every input
/// (including the extremes a damaged chunk can decode to).
@Suite struct EncodingShortcutTests {
    /// A small deterministic generator (the tests must not depend on a seed of the system's).
    struct Mix {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e3779b97f4a7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
            z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
            return z ^ (z >> 31)
        }
        mutating func int64() -> Int64 { Int64(bitPattern: next()) }
    }

    @Test func aGuessedQuotientIsTheDivisionsQuotient() {
        var mix = Mix(state: 1)
        let edges: [Int64] = [.min, .min + 1, -3_600_000_001, -2, -1, 0, 1, 2, 3_599_999_999, .max - 1, .max]
        var divisors: [Int64] = [1, 2, 3, 1_000_000, 3_600_000_000, .max / 2, .max]
        for _ in 0..<20 { divisors.append(Int64(mix.next() % UInt64(Int64.max)) + 1) }
        var checked = 0
        var hits = 0
        for b in divisors {
            var dividends = edges
            for _ in 0..<40 { dividends.append(mix.int64()) }
            // Near multiples of b too, where rounding decides.
            for k: Int64 in [-2, -1, 0, 1, 2, 1000] {
                let (m, o) = k.multipliedReportingOverflow(by: b)
                if !o { dividends += [m, m &+ b / 2, m &+ b / 2 &- 1, m &- 1, m &+ 1] }
            }
            for a in dividends {
                let exact = roundedDivision(a, b)
                for guess in [exact, exact &- 1, exact &+ 1, 0, 1, .max, .min, mix.int64()] {
                    let got = roundedDivision(a, b, likely: guess)
                    #expect(got == exact, "roundedDivision(\(a), \(b), likely: \(guess)) = \(got), not \(exact)")
                    if guess == exact { hits += 1 }
                    checked += 1
                }
            }
        }
        #expect(checked > 5000 && hits > 500)
        // The grid's form: a probe on its step is found without dividing, and off it as well.
        let grid = Grid(origin: 1_000, interval: 10_000)
        for t: Int64 in [1_000, 6_000, 5_999, 11_000, 996_000, -50_000, .min, .max] {
            #expect(grid.step(of: t, likely: grid.step(of: t)) == grid.step(of: t))
            #expect(grid.step(of: t, likely: 7) == grid.step(of: t))
        }
        #expect(Grid(origin: 5, interval: 0).step(of: 99, likely: 3) == 0)
    }

    @Test func aSelectedRankIsTheSortedOnes() {
        var mix = Mix(state: 2)
        var cases: [[Int64]] = [[7], [3, 3], [2, 1], [5, 5, 5, 5, 5], [.max, .min, 0, .max, .min], Array(0..<63), Array((0..<63).reversed())]
        for n in [2, 3, 10, 63, 64, 200] {
            for spread: UInt64 in [2, 5, 1000, .max] {
                cases.append((0..<n).map { _ in Int64(bitPattern: mix.next() % spread) &- Int64(bitPattern: spread / 2) })
            }
        }
        for values in cases {
            let sorted = values.sorted()
            for rank in values.indices {
                var scratch = values
                let got = scratch.withUnsafeMutableBufferPointer { Grid.select($0, rank: rank) }
                #expect(got == sorted[rank], "rank \(rank) of \(values)")
                #expect(scratch.sorted() == sorted)  // reordered, nothing lost
            }
        }
    }

    @Test func aDenseSketchMakesTheSketchOfItsValues() {
        var mix = Mix(state: 3)
        var dense = DenseSketch()
        for round in 0..<4 {
            var sparse = LatencySketch()
            let count = round == 3 ? 1 : 500
            for _ in 0..<count {
                // RTTs from nothing to a spike, the odd negative (clamped to bucket 0) and extremes.
                let v: Int64 = switch mix.next() % 20 {
                case 0: .max
                case 1: -Int64(mix.next() % 1000)
                case 2: Int64(mix.next() % 128)
                default: Int64(mix.next() % 2_000_000)
                }
                dense.add(v)
                sparse.add(v)
            }
            #expect(dense.sketch() == sparse)
            var drained = LatencySketch()
            dense.drain(into: &drained)
            #expect(drained == sparse)
            #expect(dense.isEmpty && dense.sketch() == LatencySketch())  // cleared for the next hour
        }
    }
}
