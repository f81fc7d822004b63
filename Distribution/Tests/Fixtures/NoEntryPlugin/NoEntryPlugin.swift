/// Test fixture: a shared library that loads but exports no plugin entry point.
@_cdecl("deepbayes_fixture_not_a_plugin")
public func deepbayesFixtureNotAPlugin() -> Int32 { 0 }
