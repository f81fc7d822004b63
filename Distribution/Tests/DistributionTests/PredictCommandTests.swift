import DeepBayesFiles
import Foundation
import Testing

/// `deepbayes predict` end to end: a tiny trained classifier on crafted PNG files (grey and
/// colour, dark on light and light on dark), crafted and shipped IDX files, in JSON lines and
/// CSV; and the one-line errors for damaged images and a checkpoint that is not a classifier.
@Suite(.timeLimit(.minutes(5))) struct PredictCommandTests {
    /// A tiny Bayes-by-Backprop checkpoint, trained once for the suite (a second or less).
    static let checkpoint: Result<URL, any Error> = Result {
        let out = try TrainingCommandTests.temporaryDirectory().appendingPathComponent("bnn")
        let train = try CommandLineTests.run(CommandLineMessageTests.tinyRun("bnn", out: out))
        guard train.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: train.error]) }
        return out.appendingPathComponent("model.safetensors")
    }

    static let keys = ["file", "index", "predicted", "probability", "predictive_entropy", "expected_entropy", "mutual_information", "probabilities"]

    /// CRC-32 of PNG (reflected polynomial 0xEDB88320), written here independently.
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        ~bytes.reduce(~UInt32(0)) { c, byte in
            var value = (c ^ UInt32(byte)) & 0xFF
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            return value ^ (c >> 8)
        }
    }

    static func bigEndian(_ value: Int) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) } }

    /// A PNG of only a signature, an IHDR of `width × height` (8-bit grey) and IEND.
    static func headerOnlyPNG(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let typeAndData = Array(type.utf8) + data
            return bigEndian(data.count) + typeAndData + bigEndian(Int(crc(typeAndData)))
        }
        return PNGImage.signature + chunk("IHDR", bigEndian(width) + bigEndian(height) + [8, 0, 0, 0, 0]) + chunk("IEND", [])
    }

    /// A `width × height` picture of a vertical bar, `ink` on `paper`, grey or RGB.
    static func bar(width: Int, height: Int, paper: UInt8, ink: UInt8, rgb: Bool) throws -> PNGImage {
        let grey = (0..<height).flatMap { y in
            (0..<width).map { x in abs(x - width / 2) <= width / 10 && abs(y - height / 2) <= height / 3 ? ink : paper }
        }
        return rgb ? try PNGImage.rgb(width: width, height: height, pixels: grey.flatMap { [$0, $0, $0] })
            : try PNGImage.grayscale(width: width, height: height, pixels: grey)
    }

    static func records(_ text: String) throws -> [[String: Any]] {
        try text.split(separator: "\n").map { try TrainingCommandTests.jsonObject(String($0)) }
    }

    /// Every record's numbers hang together: probabilities in [0, 1] summing to 1, the
    /// predicted class the most probable, MI = predictive − expected entropy ≥ 0.
    static func expectConsistent(_ record: [String: Any], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(Set(record.keys) == Set(keys), "\(record)", sourceLocation: sourceLocation)
        guard let probabilities = record["probabilities"] as? [Double], let predicted = record["predicted"] as? Int,
              let probability = record["probability"] as? Double, let predictive = record["predictive_entropy"] as? Double,
              let expected = record["expected_entropy"] as? Double, let information = record["mutual_information"] as? Double else {
            Issue.record("malformed record \(record)", sourceLocation: sourceLocation)
            return
        }
        #expect(probabilities.count == 10 && probabilities.allSatisfy { (0...1).contains($0) }, sourceLocation: sourceLocation)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4, sourceLocation: sourceLocation)
        #expect(probabilities[predicted] == probability && probabilities.allSatisfy { $0 <= probability }, sourceLocation: sourceLocation)
        #expect(information >= 0 && abs(information - (predictive - expected)) < 1e-4, "\(record)", sourceLocation: sourceLocation)
        #expect(predictive >= 0 && predictive <= log(10) + 1e-4 && expected >= 0, sourceLocation: sourceLocation)
    }

    @Test func classifiesPNGAndIDXFilesInJSONLines() throws {
        let checkpoint = try Self.checkpoint.get()
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mnistLike = directory.appendingPathComponent("light-on-dark.png")
        try Self.bar(width: 28, height: 28, paper: 0, ink: 255, rgb: false).write(to: mnistLike)
        let paper = directory.appendingPathComponent("dark, on \"paper\".png")
        try Self.bar(width: 90, height: 120, paper: 240, ink: 30, rgb: true).write(to: paper)
        let idx = directory.appendingPathComponent("three-images-idx3-ubyte")
        try CommandLineMessageTests.writeIDX([3, 28, 28], to: idx)

        let result = try CommandLineTests.run(["predict", "--checkpoint", checkpoint.path, "--samples", "3",
                                               mnistLike.path, idx.path, paper.path])
        #expect(result.status == 0, "\(result.error)")
        let records = try Self.records(result.output)
        try #require(records.count == 5)
        records.forEach { Self.expectConsistent($0) }
        #expect(records.map { $0["file"] as? String } == [mnistLike.path, idx.path, idx.path, idx.path, paper.path])
        #expect(records.map { $0["index"] as? Int } == [nil, 0, 1, 2, nil])
        #expect(records[0]["index"] is NSNull)
    }

    @Test func writesCSVToAFileAndReadsTheShippedGzipTestSet() throws {
        let checkpoint = try Self.checkpoint.get()
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data/mnist/t10k-images-idx3-ubyte.gz")
        let output = directory.appendingPathComponent("records.csv")
        let result = try CommandLineTests.run(["predict", "--checkpoint", checkpoint.path, "--samples", "1", "--format", "csv",
                                               "--output", output.path, shipped.path])
        #expect(result.status == 0 && result.output.isEmpty, "\(result.error)")
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1 + 10_000)
        #expect(lines.first == "file,index,predicted,probability,predictive_entropy,expected_entropy,mutual_information,"
                + (0..<10).map { "p\($0)" }.joined(separator: ","))
        let last = lines.last.map { $0.split(separator: ",").map(String.init) } ?? []
        try #require(last.count == 17)
        #expect(last[0] == shipped.path && last[1] == "9999")
        let probabilities = last[7...].compactMap(Double.init)
        #expect(probabilities.count == 10 && abs(probabilities.reduce(0, +) - 1) < 1e-4)
        // One pass: nothing for the passes to disagree about.
        #expect((Double(last[6]) ?? 1) < 1e-5)
    }

    @Test func damagedImagesGiveOneLine() throws {
        let checkpoint = try Self.checkpoint.get()
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let good = try Self.bar(width: 28, height: 28, paper: 0, ink: 255, rgb: false).encode()
        let cases: [(String, [UInt8], String)] = [
            ("text.png", Array("just some text\n".utf8), "not a PNG file (the first 8 bytes are not the PNG signature)"),
            ("truncated.png", Array(good.prefix(good.count - 20)), "truncated: chunk 1 (IDAT)"),
            ("zero.png", Self.headerOnlyPNG(width: 0, height: 7), "IHDR: width and height must be in 1...2147483647, got 0×7"),
            ("huge.png", Self.headerOnlyPNG(width: 100_000, height: 100_000),
             "IHDR: 100000×100000 pixels are more than the 67108864 this reader accepts"),
        ]
        for (name, bytes, reason) in cases {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url)
            let result = try CommandLineTests.run(["predict", "--checkpoint", checkpoint.path, "--samples", "1", url.path])
            #expect(result.status == 1 && result.output.isEmpty, "\(name): \(result.status)")
            #expect(result.error.hasPrefix("error: \(url.path): \(reason)") && result.error.split(separator: "\n").count == 1,
                    "\(name): \(result.error)")
        }
        let notIDX = directory.appendingPathComponent("notes.txt")
        try Data("hello".utf8).write(to: notIDX)
        try CommandLineMessageTests.expectOneLine(["predict", "--checkpoint", checkpoint.path, notIDX.path],
                                                  "\(notIDX.path): not an IDX file: magic number starts 0x68 0x65, expected 0x00 0x00")
        let wrongSize = directory.appendingPathComponent("small-idx3-ubyte")
        try CommandLineMessageTests.writeIDX([2, 8, 8], to: wrongSize)
        try CommandLineMessageTests.expectOneLine(["predict", "--checkpoint", checkpoint.path, wrongSize.path],
                                                  "\(wrongSize.path): images are 8x8, expected 28x28")
    }

    @Test func refusesACheckpointThatIsNotAClassifier() throws {
        let directory = try TrainingCommandTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("vae")
        let train = try CommandLineTests.run(["train", "vae", "--epochs", "1", "--batch-size", "64", "--train-limit", "64",
                                              "--test-limit", "20", "--latent", "2", "--out", out.path])
        try #require(train.status == 0, "\(train.error)")
        let vae = out.appendingPathComponent("model.safetensors")
        let image = directory.appendingPathComponent("digit.png")
        try Self.bar(width: 28, height: 28, paper: 0, ink: 255, rgb: false).write(to: image)
        try CommandLineMessageTests.expectOneLine(["predict", "--checkpoint", vae.path, image.path],
                                                  "\(vae.path): is a vae model; predict needs a classifier (bnn, mcdropout or mlp)")
    }
}
