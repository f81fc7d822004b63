import DeepBayesCore
import Foundation
import Testing

/// Philox4x32-10 known answers, the distribution of the normals, and stream independence.
@Suite struct RandomTests {
    /// The three known-answer vectors of Philox4x32-10 (Salmon et al. 2011): (counter words, key words) → output.
    static let knownAnswers: [(SIMD4<UInt32>, SIMD2<UInt32>, SIMD4<UInt32>)] = [
        (SIMD4(0, 0, 0, 0), SIMD2(0, 0), SIMD4(0x6627_E8D5, 0xE169_C58D, 0xBC57_AC4C, 0x9B00_DBD8)),
        (SIMD4(repeating: 0xFFFF_FFFF), SIMD2(repeating: 0xFFFF_FFFF), SIMD4(0x408F_276D, 0x41C8_3B0E, 0xA20B_C7C6, 0x6D54_51FD)),
        (SIMD4(0x243F_6A88, 0x85A3_08D3, 0x1319_8A2E, 0x0370_7344), SIMD2(0xA409_3822, 0x299F_31D0),
         SIMD4(0xD16C_FE09, 0x94FD_CCEB, 0x5001_E420, 0x2412_6EA1)),
    ]

    @Test func philoxBlockMatchesKnownAnswers() {
        for (counter, key, expected) in Self.knownAnswers {
            #expect(Philox.block(counter: counter, key: key) == expected)
        }
    }

    /// The known answers through each backend's `randomUniform`: the counter's block words
    /// become the stream's first block, its stream words the stream, the key the seed.
    @Test(arguments: TestBackends.names)
    func backendUniformsMatchKnownAnswers(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        for (counter, key, expected) in Self.knownAnswers {
            let random = RandomStream(seed: UInt64(key[1]) << 32 | UInt64(key[0]),
                                      stream: UInt64(counter[3]) << 32 | UInt64(counter[2]),
                                      firstBlock: UInt64(counter[1]) << 32 | UInt64(counter[0]))
            let got = try backend.randomUniform([4], random).toArray()
            let want = (0..<4).map { Philox.uniform(expected[$0]) }
            #expect(got == want, "\(backendName): uniforms \(got) for counter \(counter)")
        }
    }

    @Test(arguments: TestBackends.names)
    func normalsHaveZeroMeanAndUnitVariance(backendName: String) throws {
        let n = 1_000_000
        let x = try TestBackends.backend(backendName).randomNormal([n], RandomStream(seed: 1234, stream: 1)).toArray()
        let mean = x.reduce(0.0) { $0 + Double($1) } / Double(n)
        let variance = x.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(n - 1)
        // Standard errors: of the mean 1/√n, of the variance √(2/n) for a normal.
        #expect(abs(mean) < 5 / Double(n).squareRoot(), "mean \(mean)")
        #expect(abs(variance - 1) < 5 * (2 / Double(n)).squareRoot(), "variance \(variance)")
    }

    @Test(arguments: TestBackends.names)
    func distinctStreamsAreUncorrelated(backendName: String) throws {
        let backend = TestBackends.backend(backendName)
        let n = 200_000
        let a = try backend.randomNormal([n], RandomStream(seed: 99, stream: 0)).toArray()
        let b = try backend.randomNormal([n], RandomStream(seed: 99, stream: 1)).toArray()
        let c = try backend.randomNormal([n], RandomStream(seed: 100, stream: 0)).toArray()
        for (name, other) in [("stream", b), ("seed", c)] {
            let correlation = zip(a, other).reduce(0.0) { $0 + Double($1.0) * Double($1.1) } / Double(n)
            #expect(abs(correlation) < 5 / Double(n).squareRoot(), "correlation across \(name)s: \(correlation)")
        }
        #expect(a != b)
    }

    @Test(arguments: TestBackends.othersThanCPU)
    func noiseIsIdenticalAcrossBackends(backendName: String) throws {
        let random = RandomStream(seed: 2026, stream: 11)
        let cpu = try TestBackends.cpu.randomNormal([100_003], random).toArray()
        let other = try TestBackends.backend(backendName).randomNormal([100_003], random).toArray()
        let worst = zip(cpu, other).map { abs($0 - $1) }.max()!
        print("eps cpu vs \(backendName): max |difference| = \(worst)")
        #expect(worst <= 1e-6, "eps differs by \(worst)")
    }
}
