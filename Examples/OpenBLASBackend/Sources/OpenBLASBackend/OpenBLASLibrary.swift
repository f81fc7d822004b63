import Foundation
import CBLASLibrary

/// What the OpenBLAS library linked into this process says about itself.
enum OpenBLASLibrary {
    /// Its build: version, kernel family and thread limit (`OpenBLAS 0.3.26 DYNAMIC_ARCH ... Haswell MAX_THREADS=64`).
    static var configuration: String {
        guard let text = openblas_get_config() else { return "OpenBLAS" }
        return String(cString: text).trimmingCharacters(in: .whitespaces)
    }

    /// The threads `cblas_sgemm` splits a product across.
    static var threadCount: Int { Int(openblas_get_num_threads()) }
}
