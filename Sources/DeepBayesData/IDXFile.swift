import DeepBayesCore
import Foundation

/// An array of unsigned bytes read from an IDX file, the format of MNIST and Fashion-MNIST.
///
/// Layout (after gunzip, if the file starts with the gzip magic `1f 8b`): the magic
/// `00 00 08 d` (element type `08` = unsigned byte, `d` dimensions), `d` big-endian 32-bit
/// dimensions, then the elements, row-major. Image files are `[count, rows, columns]` and label
/// files `[count]`. Every problem (a missing file, a wrong magic or element type, a zero
/// dimension, a payload shorter or longer than the dimensions say, a damaged gzip stream)
/// throws `DeepBayesError.invalidFile` naming the file and what is wrong; nothing traps.
public struct IDXFile: Equatable, Sendable {
    /// The size of each dimension, outermost first (all positive).
    public let dimensions: [Int]
    /// The elements, row-major: exactly the product of `dimensions` of them.
    public let bytes: [UInt8]

    /// Reads the IDX file at `url`, gzip-compressed or not; with `expectedRank`, a file with
    /// another number of dimensions is an error (3 for images, 1 for labels).
    public init(contentsOf url: URL, expectedRank: Int? = nil) throws {
        let path = url.path
        var file = try Self.contents(of: url)
        let compressed = Gzip.hasMagic(file)
        if compressed { file = try Gzip.decompress(file, path: path) }
        (dimensions, bytes) = try Self.parse(file, path: path, expectedRank: expectedRank, compressed: compressed)
    }

    /// The bytes of the file at `url`, or `invalidFile` if it is missing or unreadable.
    static func contents(of url: URL) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DeepBayesError.invalidFile(path: url.path, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw DeepBayesError.invalidFile(path: url.path, reason: "is a directory, not a file")
        }
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot be read: \(error.localizedDescription)")
        }
    }

    /// Splits an uncompressed IDX file into its dimensions and elements, checking everything.
    static func parse(_ file: [UInt8], path: String, expectedRank: Int?, compressed: Bool) throws -> ([Int], [UInt8]) {
        func invalid(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: reason) }
        let uncompressed = compressed ? " uncompressed" : ""
        guard file.count >= 4 else {
            throw invalid("too short for an IDX file: \(file.count)\(uncompressed) bytes, the magic number alone takes 4")
        }
        guard file[0] == 0, file[1] == 0 else {
            throw invalid("not an IDX file: magic number starts \(hex(file[0])) \(hex(file[1])), expected 0x00 0x00")
        }
        guard file[2] == 0x08 else {
            throw invalid("element type \(hex(file[2])) is not supported (only 0x08, unsigned byte)")
        }
        let rank = Int(file[3])
        guard rank > 0 else { throw invalid("the header declares no dimensions") }
        if let expectedRank, rank != expectedRank {
            let what = expectedRank == 3 ? " (images: count, rows, columns)" : expectedRank == 1 ? " (labels: count)" : ""
            throw invalid("expected \(expectedRank) dimension\(expectedRank == 1 ? "" : "s")\(what), the header declares \(rank)")
        }
        let headerSize = 4 + 4 * rank
        guard file.count >= headerSize else {
            throw invalid("truncated header: \(rank) dimensions need \(headerSize) bytes, file holds \(file.count)\(uncompressed)")
        }
        let dimensions = (0..<rank).map { axis in
            file[(4 + 4 * axis)..<(8 + 4 * axis)].reduce(0) { $0 << 8 | Int($1) }
        }
        if let axis = dimensions.firstIndex(of: 0) {
            throw invalid("dimension \(axis) of \(dimensions.map(String.init).joined(separator: "x")) is zero")
        }
        var expected = 1
        for dimension in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw invalid("dimensions \(dimensions.map(String.init).joined(separator: "x")) are too large") }
            expected = product
        }
        let payload = file.count - headerSize
        if payload != expected {
            let problem = payload < expected ? "truncated" : "trailing bytes"
            throw invalid("\(problem): header says \(describe(dimensions)) (\(expected) bytes), file holds \(payload)"
                          + " after its \(headerSize)-byte header\(compressed ? " (uncompressed)" : "")")
        }
        return (dimensions, Array(file[headerSize...]))
    }

    /// `0x0d` for 13.
    static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0x0" : "0x") + String(byte, radix: 16)
    }

    /// "10000 images of 28x28", "10000 labels", or "an array of 2x3x4x5".
    static func describe(_ dimensions: [Int]) -> String {
        switch dimensions.count {
        case 1: return "\(dimensions[0]) labels"
        case 3: return "\(dimensions[0]) images of \(dimensions[1])x\(dimensions[2])"
        default: return "an array of " + dimensions.map(String.init).joined(separator: "x")
        }
    }
}
