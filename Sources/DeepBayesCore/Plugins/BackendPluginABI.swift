/// The contract between a host program and a backend plugin, checked before any Swift value
/// crosses between them.
///
/// A plugin exports one C function (through `@_cdecl`), named `entryPointSymbol`:
///
/// ```swift
/// @_cdecl("deepbayes_backend_plugin")
/// public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
///     BackendPluginABI.answer(host: host, plugin: plugin) { BackendPlugin(factory: MyBackend.factory) }
/// }
/// ```
///
/// The host passes its ABI tag; the plugin writes its own and, only if the two are equal,
/// returns a retained `BackendPlugin`. The tag is `sdkVersion << 16 | swiftMajor << 8 |
/// swiftMinor`: Swift has no stable ABI on Linux, so host and plugin must come from the same
/// SDK and the same compiler. `answer` is emitted into the plugin, so the plugin's tag is the
/// one it was built with, not the host's.
///
/// Two more rules a plugin author must follow, because breaking them fails silently:
/// - **One copy of the SDK per process.** The plugin links the shared `DeepBayes` product
///   (`libDeepBayes.so`), never a static DeepBayes library: a second copy of the SDK has its
///   own type metadata, so the host could not recognise the plugin's tensors, errors or
///   factory. The host checks this and refuses such a plugin.
/// - **Nothing before the handshake.** The entry point does nothing but call `answer`; in
///   particular a plugin built for a newer instruction set must not run vector code before
///   its variant's score says the machine has it.
public enum BackendPluginABI {
    /// The C name of the entry point.
    public static let entryPointSymbol = "deepbayes_backend_plugin"

    /// The SDK's plugin interface version. It changes whenever a type that crosses the
    /// boundary (the `Backend` protocols, `Tensor`, `BackendFactory`, `DeviceInfo`,
    /// `BackendCapabilities`, `DeepBayesError`, ...) changes its layout or requirements.
    @_alwaysEmitIntoClient public static var sdkVersion: UInt32 { 3 }

    /// The compiler this code is built with, as `(major, minor)`.
    @_alwaysEmitIntoClient public static var compilerVersion: (major: UInt32, minor: UInt32) {
        #if compiler(>=7.0)
        return (7, 0)
        #elseif compiler(>=6.4)
        return (6, 4)
        #elseif compiler(>=6.3)
        return (6, 3)
        #elseif compiler(>=6.2)
        return (6, 2)
        #elseif compiler(>=6.1)
        return (6, 1)
        #else
        return (6, 0)
        #endif
    }

    /// This build's tag: `sdkVersion << 16 | major << 8 | minor`.
    @_alwaysEmitIntoClient public static var tag: UInt32 {
        let compiler = compilerVersion
        return sdkVersion << 16 | compiler.major << 8 | compiler.minor
    }

    /// Describes a tag for messages: `SDK 1, Swift 6.3`.
    public static func describe(tag: UInt32) -> String {
        "SDK \(tag >> 16), Swift \(tag >> 8 & 0xff).\(tag & 0xff)"
    }

    /// The body of a plugin's entry point: writes the plugin's tag and, when it equals the
    /// host's, returns `make()` retained; otherwise returns nil without calling `make`.
    @_alwaysEmitIntoClient
    public static func answer(host: UInt32, plugin: UnsafeMutablePointer<UInt32>,
                              make: () -> BackendPlugin) -> UnsafeMutableRawPointer? {
        plugin.pointee = tag
        guard host == tag else { return nil }
        return Unmanaged.passRetained(make()).toOpaque()
    }
}
