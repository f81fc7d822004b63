import CZlib
import DeepBayesCore
import DeepBayesData
import Foundation
import Testing

/// The IDX reader on crafted files (raw and gzip, good and bad), the shipped MNIST and
/// Fashion-MNIST files, and the minibatch order.
@Suite struct IDXTests {
    // MARK: - Crafting files

    /// A fresh temporary directory, removed by `body`'s end.
    static func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("IDXTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    /// An IDX file: `magic` (two bytes), `type`, the rank, big-endian dimensions, then `payload`.
    static func idx(_ dimensions: [Int], _ payload: [UInt8], magic: [UInt8] = [0, 0], type: UInt8 = 0x08) -> [UInt8] {
        var bytes = magic + [type, UInt8(dimensions.count)]
        for dimension in dimensions {
            bytes += [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: dimension >> $0) }
        }
        return bytes + payload
    }

    /// `bytes` compressed by zlib as one gzip member (windowBits 15 + 16).
    static func gzip(_ bytes: [UInt8]) throws -> [UInt8] {
        var stream = z_stream()
        let status = deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                                   ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        try #require(status == Z_OK)
        defer { deflateEnd(&stream) }
        var input = bytes
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(bytes.count))) + 64)
        let result = input.withUnsafeMutableBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                stream.next_in = input.baseAddress
                stream.avail_in = uInt(input.count)
                stream.next_out = output.baseAddress
                stream.avail_out = uInt(output.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        try #require(result == Z_STREAM_END)
        return Array(output[..<Int(stream.total_out)])
    }

    /// Writes `bytes` to `directory/name` and returns its URL.
    @discardableResult
    static func write(_ bytes: [UInt8], _ name: String, in directory: URL) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Deterministic, poorly compressible test bytes.
    static func pattern(_ count: Int, salt: Int = 0) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: (($0 &+ salt &* 7919) &* 2_654_435_761) >> 13) }
    }

    /// Runs `body`, which must throw `invalidFile` for `path` with a reason containing every
    /// one of `fragments`; returns the reason.
    @discardableResult
    static func expectInvalidFile(_ path: String, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation,
                                  _ body: () throws -> Void) -> String? {
        do {
            try body()
            Issue.record("no error thrown; expected invalidFile(\(path)) mentioning \(fragments)", sourceLocation: sourceLocation)
        } catch let DeepBayesError.invalidFile(thrownPath, reason) {
            #expect(thrownPath == path, sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(reason.contains(fragment), "reason \"\(reason)\" lacks \"\(fragment)\"", sourceLocation: sourceLocation)
            }
            return reason
        } catch {
            Issue.record("expected invalidFile, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    // MARK: - Reading good files

    @Test func rawAndGzipFilesReadBackExactly() throws {
        try Self.withTemporaryDirectory { directory in
            let pixels = Self.pattern(5 * 3 * 4), labels: [UInt8] = [3, 1, 4, 1, 5]
            let images = Self.idx([5, 3, 4], pixels), labelFile = Self.idx([5], labels)
            for (name, bytes) in [("raw-images", images), ("raw-labels", labelFile)] {
                try Self.write(bytes, name, in: directory)
            }
            try Self.write(try Self.gzip(images), "images.gz", in: directory)
            try Self.write(try Self.gzip(labelFile), "labels.gz", in: directory)
            for name in ["raw-images", "images.gz"] {
                let file = try IDXFile(contentsOf: directory.appendingPathComponent(name), expectedRank: 3)
                #expect(file.dimensions == [5, 3, 4])
                #expect(file.bytes == pixels)
            }
            for name in ["raw-labels", "labels.gz"] {
                let file = try IDXFile(contentsOf: directory.appendingPathComponent(name), expectedRank: 1)
                #expect(file.dimensions == [5])
                #expect(file.bytes == labels)
            }
            // Any rank without an expectation, and two concatenated gzip members (as `cat a.gz b.gz`).
            let fourD = Self.idx([2, 1, 3, 2], Self.pattern(12, salt: 5))
            let halves = try Self.gzip(Array(fourD[..<9])) + Self.gzip(Array(fourD[9...]))
            let url = try Self.write(halves, "two-members.gz", in: directory)
            let file = try IDXFile(contentsOf: url)
            #expect(file.dimensions == [2, 1, 3, 2])
            #expect(file.bytes == Self.pattern(12, salt: 5))
        }
    }

    @Test func loadScalesPixelsAndKeepsLabels() throws {
        try Self.withTemporaryDirectory { directory in
            let pixels: [UInt8] = [0, 255, 51, 102, 1, 254, 128, 7]
            try Self.write(try Self.gzip(Self.idx([2, 2, 2], pixels)), "train-images-idx3-ubyte.gz", in: directory)
            try Self.write(Self.idx([2], [9, 0]), "train-labels-idx1-ubyte", in: directory)   // plain beside gzip
            let dataset = try MNISTFamily.load(directory: directory, split: .train)
            #expect(dataset.count == 2 && dataset.rows == 2 && dataset.columns == 2 && dataset.pixelsPerImage == 4)
            #expect(dataset.images == pixels.map { Float($0) / 255 })
            #expect(dataset.images[0] == 0 && dataset.images[1] == 1)
            #expect(dataset.labels == [9, 0])
            let first = dataset.prefix(1)
            #expect(first.count == 1 && first.images == Array(dataset.images[..<4]) && first.labels == [9])
            #expect(dataset.prefix(5).count == 2)
        }
    }

    // MARK: - Rejecting bad files

    @Test func wrongMagicIsRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = try Self.write(Self.idx([2], [0, 1], magic: [0x12, 0x34]), "bad", in: directory)
            let reason = Self.expectInvalidFile(url.path, ["not an IDX file", "0x12 0x34"]) {
                _ = try IDXFile(contentsOf: url)
            }
            #expect(reason == "not an IDX file: magic number starts 0x12 0x34, expected 0x00 0x00")
            let short = try Self.write([0, 0], "short", in: directory)
            Self.expectInvalidFile(short.path, ["too short"]) { _ = try IDXFile(contentsOf: short) }
        }
    }

    @Test func wrongElementTypeIsRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = try Self.write(Self.idx([2], [0, 1], type: 0x0D), "floats", in: directory)
            Self.expectInvalidFile(url.path, ["element type 0x0d", "unsigned byte"]) { _ = try IDXFile(contentsOf: url) }
        }
    }

    @Test func zeroDimensionIsRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = try Self.write(Self.idx([3, 0, 28], []), "empty", in: directory)
            Self.expectInvalidFile(url.path, ["dimension 1 of 3x0x28 is zero"]) { _ = try IDXFile(contentsOf: url) }
            let rankless = try Self.write(Self.idx([], []), "rankless", in: directory)
            Self.expectInvalidFile(rankless.path, ["no dimensions"]) { _ = try IDXFile(contentsOf: rankless) }
        }
    }

    @Test func wrongRankIsRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = try Self.write(Self.idx([4], [1, 2, 3, 4]), "labels", in: directory)
            Self.expectInvalidFile(url.path, ["expected 3 dimensions", "declares 1"]) {
                _ = try IDXFile(contentsOf: url, expectedRank: 3)
            }
            let header = try Self.write(Array(Self.idx([10, 28, 28], [])[..<10]), "cut-header", in: directory)
            Self.expectInvalidFile(header.path, ["truncated header", "16 bytes", "holds 10"]) { _ = try IDXFile(contentsOf: header) }
        }
    }

    @Test func truncatedPayloadIsRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = try Self.write(Self.idx([10, 28, 28], Self.pattern(7000)), "cut", in: directory)
            let reason = Self.expectInvalidFile(url.path, ["truncated"]) { _ = try IDXFile(contentsOf: url) }
            #expect(reason == "truncated: header says 10 images of 28x28 (7840 bytes), file holds 7000 after its 16-byte header")
            let gz = try Self.write(try Self.gzip(Self.idx([5], [1, 2, 3])), "cut-labels.gz", in: directory)
            Self.expectInvalidFile(gz.path, ["truncated: header says 5 labels (5 bytes), file holds 3", "(uncompressed)"]) {
                _ = try IDXFile(contentsOf: gz)
            }
        }
    }

    @Test func trailingBytesAreRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = try Self.write(Self.idx([2, 2, 2], Self.pattern(9)), "long", in: directory)
            Self.expectInvalidFile(url.path, ["trailing bytes: header says 2 images of 2x2 (8 bytes), file holds 9"]) {
                _ = try IDXFile(contentsOf: url)
            }
        }
    }

    @Test func corruptGzipIsRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let good = try Self.gzip(Self.idx([64, 8, 8], Self.pattern(64 * 64)))
            // Damaged deflate data (the header ends after 10 bytes), a cut-off stream, a bad CRC, junk after the end.
            var damaged = good
            try #require(good.count > 100)
            for i in 10..<40 { damaged[i] ^= 0xA5 }
            var badCRC = good
            badCRC[good.count - 6] ^= 0xFF
            let cases: [(String, [UInt8], [String])] = [
                ("damaged.gz", damaged, ["corrupt gzip stream"]),
                ("cut.gz", Array(good[..<(good.count / 2)]), ["corrupt gzip stream", "ends early"]),
                ("crc.gz", badCRC, ["corrupt gzip stream", "check"]),
                ("junk.gz", good + [0x00, 0x42, 0x42], ["corrupt gzip stream", "3 trailing bytes"]),
                ("magic-only.gz", [0x1F, 0x8B], ["corrupt gzip stream"]),
            ]
            for (name, bytes, fragments) in cases {
                let url = try Self.write(bytes, name, in: directory)
                Self.expectInvalidFile(url.path, fragments) { _ = try IDXFile(contentsOf: url) }
            }
        }
    }

    @Test func missingFilesAreRejected() throws {
        try Self.withTemporaryDirectory { directory in
            let url = directory.appendingPathComponent("nothing-here")
            let reason = Self.expectInvalidFile(url.path, []) { _ = try IDXFile(contentsOf: url) }
            #expect(reason == "no such file")
            Self.expectInvalidFile(directory.path, ["is a directory"]) { _ = try IDXFile(contentsOf: directory) }
            let images = directory.appendingPathComponent("t10k-images-idx3-ubyte.gz")
            Self.expectInvalidFile(images.path, ["no such file"]) { _ = try MNISTFamily.load(directory: directory, split: .test) }
            try Self.write(Self.idx([1, 1, 1], [0]), "t10k-images-idx3-ubyte", in: directory)
            let labels = directory.appendingPathComponent("t10k-labels-idx1-ubyte.gz")
            Self.expectInvalidFile(labels.path, ["no such file"]) { _ = try MNISTFamily.load(directory: directory, split: .test) }
        }
    }

    @Test func imageAndLabelCountsMustAgree() throws {
        try Self.withTemporaryDirectory { directory in
            try Self.write(Self.idx([3, 2, 2], Self.pattern(12)), "train-images-idx3-ubyte", in: directory)
            let labels = try Self.write(Self.idx([2], [0, 1]), "train-labels-idx1-ubyte", in: directory)
            let reason = Self.expectInvalidFile(labels.path, []) { _ = try MNISTFamily.load(directory: directory, split: .train) }
            #expect(reason == "holds 2 labels but train-images-idx3-ubyte holds 3 images")
        }
    }

    @Test func labelsOutsideZeroToNineAreRejected() throws {
        try Self.withTemporaryDirectory { directory in
            try Self.write(Self.idx([3, 2, 2], Self.pattern(12)), "t10k-images-idx3-ubyte", in: directory)
            let labels = try Self.write(try Self.gzip(Self.idx([3], [9, 11, 0])), "t10k-labels-idx1-ubyte.gz", in: directory)
            let reason = Self.expectInvalidFile(labels.path, []) { _ = try MNISTFamily.load(directory: directory, split: .test) }
            #expect(reason == "label 11 of item 1 is outside 0...9")
        }
    }

    // MARK: - The shipped datasets

    /// Loads `split` of the shipped dataset `name` and checks its size, pixel range, first
    /// labels and class counts.
    static func checkShipped(_ name: String, _ split: MNISTFamily.Split, count: Int, firstLabels: [Float], classCounts: [Int]) throws {
        let directory = try DataDirectory.locate(name)
        #expect(directory.lastPathComponent == name)
        let dataset = try MNISTFamily.load(directory: directory, split: split)
        #expect(dataset.count == count && dataset.rows == 28 && dataset.columns == 28)
        #expect(dataset.images.count == count * 784 && dataset.labels.count == count)
        #expect(dataset.images.min() == 0 && dataset.images.max() == 1)
        #expect(Array(dataset.labels.prefix(firstLabels.count)) == firstLabels)
        let counts = (0..<10).map { label in dataset.labels.lazy.filter { $0 == Float(label) }.count }
        #expect(counts == classCounts)
        // Every image has ink, and the mean pixel value has a plausible size.
        #expect((0..<count).allSatisfy { dataset.images[($0 * 784)..<(($0 + 1) * 784)].contains { $0 > 0.5 } })
        let mean = dataset.images.reduce(0, +) / Float(dataset.images.count)
        #expect(mean > 0.1 && mean < 0.35)
    }

    @Test func shippedMNISTTestSplitLoads() throws {
        try Self.checkShipped("mnist", .test, count: 10_000, firstLabels: [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
                              classCounts: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
    }

    @Test func shippedMNISTTrainingSplitLoads() throws {
        try Self.checkShipped("mnist", .train, count: 60_000, firstLabels: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
                              classCounts: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }

    @Test func shippedFashionMNISTTestSplitLoads() throws {
        try Self.checkShipped("fashion-mnist", .test, count: 10_000, firstLabels: [9, 2, 1, 1, 6, 1, 4, 6, 5, 7],
                              classCounts: Array(repeating: 1000, count: 10))
    }

    @Test func unknownDataDirectoryIsReported() throws {
        Self.expectInvalidFile("Data/no-such-dataset", ["no such directory", "DEEPBAYES_DATA"]) {
            _ = try DataDirectory.locate("no-such-dataset")
        }
        #expect(try !DataDirectory.searchDirectories().isEmpty)
    }

    // MARK: - Minibatches

    /// `count` one-pixel-by-two images whose pixels and label encode their index.
    static func indexed(_ count: Int) throws -> Dataset {
        try Dataset(images: (0..<count).flatMap { [Float($0), Float($0) + 0.5] }, labels: (0..<count).map { Float($0 % 10) },
                    rows: 1, columns: 2)
    }

    @Test func shuffleIsDeterministicAPermutationAndNewEachEpoch() throws {
        let dataset = try Self.indexed(1000)
        let a = try Batches(dataset, batchSize: 64, shuffleSeed: 42, epoch: 3)
        let b = try Batches(dataset, batchSize: 64, shuffleSeed: 42, epoch: 3)
        #expect(a.order == b.order)
        #expect(a.map(\.images) == b.map(\.images))
        #expect(a.order.sorted() == Array(0..<1000))
        #expect(Set(a.flatMap(\.indices)).count == 1000)
        let nextEpoch = try Batches(dataset, batchSize: 64, shuffleSeed: 42, epoch: 4)
        let otherSeed = try Batches(dataset, batchSize: 64, shuffleSeed: 43, epoch: 3)
        #expect(nextEpoch.order.sorted() == Array(0..<1000))
        #expect(nextEpoch.order != a.order && otherSeed.order != a.order)
        #expect(a.order != Array(0..<1000))
        // A well-mixed shuffle leaves about one item in place.
        #expect(zip(a.order, 0...).filter { $0 == $1 }.count < 10)
        // Pinned: Philox4x32-10 Fisher–Yates on stream `RandomPass(.shuffling, index: epoch)`
        // (6·2⁶⁰ + epoch·2²⁰), checked against an independent Python implementation.
        #expect(Batches.permutation(count: 10, seed: 42, epoch: 0) == [7, 9, 8, 0, 5, 3, 6, 4, 2, 1])
        #expect(Batches.permutation(count: 10, seed: 42, epoch: 1) == [4, 2, 7, 6, 8, 0, 3, 5, 9, 1])
        #expect(Batches.permutation(count: 1, seed: 42, epoch: 0) == [0])
        #expect(Batches.permutation(count: 0, seed: 42, epoch: 0) == [])
    }

    @Test func batchesCoverEveryItemAndKeepThePartialLast() throws {
        let dataset = try Self.indexed(10)
        let batches = try Batches(dataset, batchSize: 4, shuffleSeed: 7, epoch: 0)
        #expect(batches.count == 3)
        #expect(batches.map(\.count) == [4, 4, 2])
        #expect(batches.flatMap(\.indices) == batches.order)
        for batch in batches {
            #expect(batch.imageShape == Shape([batch.count, 2]) && batch.labelShape == Shape([batch.count]))
            #expect(batch.images == batch.indices.flatMap { [Float($0), Float($0) + 0.5] })
            #expect(batch.labels == batch.indices.map { Float($0 % 10) })
        }
        let inOrder = try Batches(dataset, batchSize: 3)
        #expect(inOrder.map(\.indices) == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]])
        let whole = try Batches(dataset, batchSize: 100)
        #expect(whole.count == 1 && whole[0].count == 10)
        let limited = try Batches(dataset.prefix(5), batchSize: 2, shuffleSeed: 7)
        #expect(limited.map(\.count) == [2, 2, 1] && limited.order.sorted() == [0, 1, 2, 3, 4])
        #expect(try Batches(dataset.prefix(0), batchSize: 2, shuffleSeed: 7).isEmpty)
    }

    @Test func imageLayoutAndBadArguments() throws {
        let dataset = try Dataset(images: (0..<24).map(Float.init), labels: [1, 2], rows: 3, columns: 4)
        let flat = try Batches(dataset, batchSize: 2)[0]
        let image = try Batches(dataset, batchSize: 2, layout: .image)[0]
        #expect(flat.imageShape == Shape([2, 12]) && image.imageShape == Shape([2, 1, 3, 4]))
        #expect(flat.images == image.images && flat.images == (0..<24).map(Float.init))
        func isInvalidArgument(_ error: any Error) -> Bool {
            if case .invalidArgument = error as? DeepBayesError { return true }
            return false
        }
        #expect(performing: { try Batches(dataset, batchSize: 0) }, throws: isInvalidArgument)
        #expect(performing: { try Batches(dataset, batchSize: 2, shuffleSeed: 1, epoch: -1) }, throws: isInvalidArgument)
        #expect(performing: { try Dataset(images: [0, 1, 2], labels: [1], rows: 2, columns: 2) }, throws: isInvalidArgument)
        #expect(performing: { try Dataset(images: [], labels: [], rows: 0, columns: 2) }, throws: isInvalidArgument)
    }
}
