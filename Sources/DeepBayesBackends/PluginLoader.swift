import DeepBayesCore
import Foundation

/// Opens one backend plugin and takes its factory, or says in one line why it cannot.
///
/// The steps, each of which can fail on its own: `dlopen` (a missing dependency such as
/// libOpenCL fails here), the entry point `BackendPluginABI.entryPointSymbol`, the ABI
/// handshake (same SDK version and compiler), the check that the plugin shares this
/// process's copy of the SDK, and the check that it declares the name its file carries. A
/// plugin that loaded is never closed: its code may run until the process ends.
public enum PluginLoader {
    /// A plugin's factory, or why there is none.
    public enum Outcome {
        case loaded(BackendFactory)
        case failed(SkippedBackend)
    }

    /// The C type of the entry point.
    typealias EntryPoint = @convention(c) (UInt32, UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer?

    public static func load(_ file: URL) -> Outcome {
        let path = file.path
        let expectedName = PluginSearchPath.backendName(ofFile: file.lastPathComponent)
        func failure(_ reason: String, hint: String? = nil) -> Outcome {
            .failed(SkippedBackend(name: expectedName, origin: path, reason: reason, hint: hint))
        }
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let message = dlerror().map { String(cString: $0) } ?? "unknown reason"
            return failure("cannot be opened: " + message.replacingOccurrences(of: path + ": ", with: ""),
                           hint: LoadFailureHints.hint(forLoaderMessage: message))
        }
        guard let symbol = dlsym(handle, BackendPluginABI.entryPointSymbol) else {
            dlclose(handle)
            return failure("exports no `\(BackendPluginABI.entryPointSymbol)` entry point, so it is not a DeepBayes backend plugin")
        }
        let entry = unsafeBitCast(symbol, to: EntryPoint.self)
        var pluginTag: UInt32 = 0
        let answer = entry(BackendPluginABI.tag, &pluginTag)
        guard pluginTag == BackendPluginABI.tag, let answer else {
            return failure("was built for \(BackendPluginABI.describe(tag: pluginTag)), but this program is \(BackendPluginABI.describe(tag: BackendPluginABI.tag))",
                           hint: "rebuild the plugin against this DeepBayes with the same compiler")
        }
        guard let plugin = Unmanaged<AnyObject>.fromOpaque(answer).takeRetainedValue() as? BackendPlugin else {
            return failure("carries its own copy of the DeepBayes SDK, so its types are not this program's",
                           hint: "link the plugin against the shared `DeepBayes` product, not a static DeepBayes library")
        }
        var factory = plugin.factory
        guard factory.name == expectedName else {
            return failure("declares the backend '\(factory.name)', but its file is named for '\(expectedName ?? "")'",
                           hint: "name the file \(PluginSearchPath.filePrefix)\(factory.name)\(PluginSearchPath.fileSuffix)")
        }
        factory.origin = path
        return .loaded(factory)
    }
}

/// Advice for the ways `dlopen` fails on a plugin: a shared library the machine lacks, or a
/// plugin built against another build of DeepBayes.
enum LoadFailureHints {
    /// Debian packages by the library's file name.
    static let packages: [(library: String, advice: String)] = [
        ("libOpenCL.so", "install an OpenCL loader and a driver: apt-get install ocl-icd-libopencl1 pocl-opencl-icd (or your GPU vendor's OpenCL driver)"),
    ]

    /// The advice for what `dlopen`'s message names, if it is a known case.
    static func hint(forLoaderMessage message: String) -> String? {
        if let known = packages.first(where: { message.contains($0.library) }) { return known.advice }
        if message.contains("undefined symbol: $s") {
            return "the plugin was built against another build of DeepBayes (other sources, or a `swift test` build): rebuild it against this one"
        }
        return nil
    }
}
