import CZlib
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
    ///
    /// Nothing is allocated for what the header claims before the claim is checked: the header
    /// comes first (for a gzip file, from the first kilobyte inflated), its dimensions are
    /// multiplied out with overflow checks and must fit this process's memory
    /// (`exceedsMemory`), and a gzip stream is inflated only up to the size the header promises
    /// (a stream that goes on is refused as trailing bytes), so a small file claiming gigabytes
    /// is an error, not an allocation.
    public init(contentsOf url: URL, expectedRank: Int? = nil) throws {
        try self.init(fileBytes: Self.contents(of: url), path: url.path, expectedRank: expectedRank)
    }

    /// Decodes the bytes of an IDX file (gzip-compressed or not) as `init(contentsOf:)` does;
    /// `path` names the file in errors.
    public init(fileBytes: [UInt8], path: String, expectedRank: Int? = nil) throws {
        var file = fileBytes
        let compressed = Gzip.hasMagic(file)
        if compressed {
            let header = try Self.header(Self.inflatedHeader(file, path: path), path: path, expectedRank: expectedRank, compressed: true)
            let total = try Self.payloadSize(header.dimensions, path: path) + header.size
            try MemoryBudget.checkHost(2 * Double(total), "\(path): its header's \(Self.describe(header.dimensions))")
            file = try Gzip.decompress(file, path: path, limit: total,
                                       limitReason: ", but its header says \(Self.describe(header.dimensions)) (\(total) bytes with the header): trailing bytes")
        }
        (dimensions, bytes) = try Self.parse(file, path: path, expectedRank: expectedRank, compressed: compressed)
    }

    /// The largest header: the magic and 255 dimensions.
    static let largestHeader = 4 + 4 * 255

    /// The start of what the gzip file `bytes` inflates to, header included: the first
    /// `largestHeader` bytes, or when the first member is shorter (a small file, several
    /// members) everything, bounded by a quarter of what this process can hold.
    static func inflatedHeader(_ bytes: [UInt8], path: String) throws -> [UInt8] {
        if let prefix = inflatedPrefix(bytes, count: largestHeader) { return prefix }
        return try Gzip.decompress(bytes, path: path, limit: (HostMemory.processLimit() ?? .max) / 4,
                                   limitReason: ", more than this process can hold")
    }

    /// The bytes of the file at `url`, or `invalidFile` if it is missing, not a regular file
    /// (a directory, a FIFO, a device: checked with `stat` before opening, so nothing blocks)
    /// or unreadable; `exceedsMemory` if this process cannot hold it. Public for the other
    /// readers of files a user names (PNG images to classify).
    public static func contents(of url: URL) throws -> [UInt8] {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            let code = errno
            let reason = code == ENOENT || code == ENOTDIR ? "no such file" : "cannot be examined: \(String(cString: strerror(code)))"
            throw DeepBayesError.invalidFile(path: url.path, reason: reason)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw DeepBayesError.invalidFile(path: url.path, reason: "is a directory, not a file")
        case S_IFIFO: throw DeepBayesError.invalidFile(path: url.path, reason: "is a named pipe (FIFO), not a regular file")
        case S_IFCHR: throw DeepBayesError.invalidFile(path: url.path, reason: "is a character device, not a regular file")
        case S_IFBLK: throw DeepBayesError.invalidFile(path: url.path, reason: "is a block device, not a regular file")
        default: throw DeepBayesError.invalidFile(path: url.path, reason: "is not a regular file")
        }
        // The file's bytes and their copy as an array, before either is read.
        try MemoryBudget.checkHost(2 * Double(info.st_size), "\(url.path): reading this \(BackendCapabilities.bytes(Int(info.st_size))) file")
        do {
            return [UInt8](try Data(contentsOf: url))
        } catch {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot be read: \(error.localizedDescription)")
        }
    }

    /// The dimensions the header of the IDX file at `url` declares, inflating (for a gzip file)
    /// only the first kilobyte, so checking the 60,000 training images costs milliseconds, not
    /// the fraction of a second a full load takes; with `expectedRank`, another rank is an error. The payload is not checked (`init` does
    /// that); a damaged gzip stream gets the same error as `init` gives.
    public static func dimensions(contentsOf url: URL, expectedRank: Int? = nil) throws -> [Int] {
        try dimensions(fileBytes: contents(of: url), path: url.path, expectedRank: expectedRank)
    }

    /// The dimensions the header of an IDX file's bytes declares, as `dimensions(contentsOf:)`
    /// reads them: for a caller that holds the bytes already and decodes them next.
    static func dimensions(fileBytes: [UInt8], path: String, expectedRank: Int?) throws -> [Int] {
        let compressed = Gzip.hasMagic(fileBytes)
        let start = compressed ? try inflatedHeader(fileBytes, path: path) : fileBytes
        return try header(start, path: path, expectedRank: expectedRank, compressed: compressed).dimensions
    }

    /// The first `count` bytes the gzip stream `bytes` inflates to, or nil if its first member
    /// is shorter (a small file, or several members) or zlib reports an error before that: the
    /// caller then decompresses the whole file, which handles and reports every case.
    static func inflatedPrefix(_ bytes: [UInt8], count: Int) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: count)
        let filled: Bool = bytes.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                while stream.avail_out > 0 {
                    guard inflate(&stream, Z_NO_FLUSH) == Z_OK else { return false }
                }
                return true
            }
        }
        return filled ? output : nil
    }

    /// The dimensions and the header's size of an uncompressed IDX file (of which only the
    /// header need be present), checking the magic, the element type, the rank and the sizes.
    static func header(_ file: [UInt8], path: String, expectedRank: Int?, compressed: Bool) throws -> (dimensions: [Int], size: Int) {
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
        return (dimensions, headerSize)
    }

    /// Splits an uncompressed IDX file into its dimensions and elements, checking everything.
    static func parse(_ file: [UInt8], path: String, expectedRank: Int?, compressed: Bool) throws -> ([Int], [UInt8]) {
        func invalid(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: reason) }
        let (dimensions, headerSize) = try header(file, path: path, expectedRank: expectedRank, compressed: compressed)
        let expected = try payloadSize(dimensions, path: path)
        let payload = file.count - headerSize
        if payload != expected {
            let problem = payload < expected ? "truncated" : "trailing bytes"
            throw invalid("\(problem): header says \(describe(dimensions)) (\(expected) bytes), file holds \(payload)"
                          + " after its \(headerSize)-byte header\(compressed ? " (uncompressed)" : "")")
        }
        return (dimensions, Array(file[headerSize...]))
    }

    /// The number of elements `dimensions` hold, or `invalidFile` if the product overflows.
    static func payloadSize(_ dimensions: [Int], path: String) throws -> Int {
        var expected = 1
        for dimension in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw DeepBayesError.invalidFile(path: path, reason: "dimensions \(dimensions.map(String.init).joined(separator: "x")) are too large")
            }
            expected = product
        }
        return expected
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
