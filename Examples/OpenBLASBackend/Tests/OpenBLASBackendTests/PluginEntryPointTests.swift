import DeepBayesCore
import OpenBLASBackend
import Testing

/// The plugin's C entry point, called as a host calls it.
@Suite struct PluginEntryPointTests {
    /// With this build's tag it writes the same tag and hands over the `openblas` factory.
    @Test func matchingHostGetsTheFactory() throws {
        var pluginTag: UInt32 = 0
        let answer = try #require(deepbayesBackendPlugin(BackendPluginABI.tag, &pluginTag))
        let plugin = Unmanaged<AnyObject>.fromOpaque(answer).takeRetainedValue()
        #expect(pluginTag == BackendPluginABI.tag)
        let factory = try #require((plugin as? BackendPlugin)?.factory)
        #expect(factory.name == "openblas")
        #expect(try factory.make(nil).name == "openblas")
        #expect(try factory.devices().map(\.selector) == ["openblas"])
    }

    /// A host of another SDK version gets nil, and still learns the plugin's tag.
    @Test func otherHostIsRefused() {
        var pluginTag: UInt32 = 0
        let otherHost = BackendPluginABI.tag &+ (1 << 16)
        #expect(deepbayesBackendPlugin(otherHost, &pluginTag) == nil)
        #expect(pluginTag == BackendPluginABI.tag)
    }

    /// The factory refuses a device index other than 0.
    @Test func onlyOneDevice() {
        #expect(throws: DeepBayesError.self) { try OpenBLASBackend.factory.make(1) }
    }
}
