import DeepBayesData
import DeepBayesFiles
import Foundation

/// Feeds every input to `PNGImage.decode(_:path:)` as the bytes of a PNG file (what `deepbayes
/// predict` reads from users), then prepares what decodes as an MNIST digit.
///
/// A thrown error is the reader doing its job (its message is rendered too, as the command line
/// would print it). A finding is anything else: a crash, a trap, a sanitizer report, more than
/// `-rss_limit_mb` of memory, more than `-timeout` seconds for one input, or a decoded image that
/// breaks the documented contract: at most `PNGImage.maximumDecodedPixels` pixels, as many bytes
/// as its size and colour type need, `encode()` giving bytes that decode to an equal image, and
/// `DigitImage.prepare` giving 784 values in [0, 1].
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let image: PNGImage
    do {
        image = try PNGImage.decode(bytes, path: "fuzz-input.png")
    } catch {
        _ = String(describing: error)
        return 0
    }
    precondition(image.width * image.height <= PNGImage.maximumDecodedPixels, "\(image.width)x\(image.height) is past the pixel limit")
    precondition(image.pixels.count == image.width * image.height * image.colorType.channels,
                 "\(image.pixels.count) bytes for \(image.width)x\(image.height) \(image.colorType)")
    do {
        let again = try PNGImage.decode(image.encode(), path: "fuzz-input-encoded.png")
        precondition(again == image, "a decoded image, encoded and decoded again, is not equal to itself")
    } catch {
        preconditionFailure("a decoded image, encoded again, does not decode: \(error)")
    }
    do {
        let digit = try DigitImage.prepare(width: image.width, height: image.height, channels: image.colorType.channels, pixels: image.pixels)
        precondition(digit.count == 784 && digit.allSatisfy { (0...1).contains($0) }, "a prepared digit is not 784 values in [0, 1]")
    } catch {
        preconditionFailure("a decoded image cannot be prepared as a digit: \(error)")
    }
    return 0
}
