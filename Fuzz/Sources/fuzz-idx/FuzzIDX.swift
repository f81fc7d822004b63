import DeepBayesData

/// Feeds every input to `IDXFile(fileBytes:path:expectedRank:)` as the bytes of an IDX file
/// (MNIST's format, raw or gzip-compressed: the reader inflates whatever starts with `1f 8b`).
///
/// A thrown error is the reader doing its job (its message is rendered too, as the command
/// line would print it). A finding is anything else: a crash, a trap (overflow, out-of-range
/// index), a sanitizer report, more than `-rss_limit_mb` of memory, more than `-timeout`
/// seconds for one input, or a decoded file that breaks the documented contract: every
/// dimension positive and exactly as many bytes as the dimensions multiply to; the same file
/// again when its own rank is expected, and an error when another rank is.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let path = "fuzz-input.idx"
    let file: IDXFile
    do {
        file = try IDXFile(fileBytes: bytes, path: path, expectedRank: nil)
    } catch {
        _ = String(describing: error)
        return 0
    }

    precondition(!file.dimensions.isEmpty, "decoded an IDX file without dimensions")
    var elements = 1
    for dimension in file.dimensions {
        precondition(dimension > 0, "decoded dimension \(dimension) in \(file.dimensions)")
        let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
        precondition(!overflow, "decoded dimensions \(file.dimensions) overflow Int")
        elements = product
    }
    precondition(file.bytes.count == elements, "\(file.bytes.count) bytes for dimensions \(file.dimensions)")

    let rank = file.dimensions.count
    precondition((try? IDXFile(fileBytes: bytes, path: path, expectedRank: rank)) == file,
                 "expecting the file's own rank \(rank) changed the result")
    precondition((try? IDXFile(fileBytes: bytes, path: path, expectedRank: rank + 1)) == nil,
                 "a rank-\(rank) file was accepted where rank \(rank + 1) was expected")
    return 0
}
