import DeepBayesFiles
import Foundation

/// Feeds every input to `SafetensorsFile.decode(_:path:)` as the bytes of a safetensors file
/// (the checkpoint format: length, JSON header, F32 data).
///
/// A thrown error is the decoder doing its job (its message is rendered too, as the command
/// line would print it). A finding is anything else: a crash, a trap, a sanitizer report, more
/// than `-rss_limit_mb` of memory, more than `-timeout` seconds for one input, or a decoded
/// file that breaks the documented contract: tensors sorted by name (UTF-8 byte order), each
/// with as many values as its shape multiplies to (one for `[]`), and `encode()` giving bytes
/// that decode again to an equal file (same names, shapes, metadata and bit-identical values).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    let file: SafetensorsFile
    do {
        file = try SafetensorsFile.decode(bytes, path: "fuzz-input.safetensors")
    } catch {
        _ = String(describing: error)
        return 0
    }

    for (index, tensor) in file.tensors.enumerated() {
        if index > 0 {
            let previous = file.tensors[index - 1].name
            precondition(previous.utf8.lexicographicallyPrecedes(tensor.name.utf8),
                         "tensors '\(previous)' and '\(tensor.name)' are not sorted by name")
        }
        var elements = 1
        for dimension in tensor.shape {
            precondition(dimension >= 0, "tensor '\(tensor.name)' has shape \(tensor.shape)")
            let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
            precondition(!overflow, "tensor '\(tensor.name)': shape \(tensor.shape) overflows Int")
            elements = product
        }
        precondition(tensor.values.count == elements,
                     "tensor '\(tensor.name)': \(tensor.values.count) values for shape \(tensor.shape)")
    }

    let again: SafetensorsFile
    do {
        again = try SafetensorsFile.decode(file.encode(), path: "fuzz-input-encoded.safetensors")
    } catch {
        preconditionFailure("a decoded file, encoded again, does not decode: \(error)")
    }
    precondition(again == file, "a decoded file, encoded and decoded again, is not equal to itself")
    return 0
}
