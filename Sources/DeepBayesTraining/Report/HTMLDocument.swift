import Foundation

/// A self-contained HTML page assembled from escaped text and elements: one `<style>` in the
/// head, no scripts, no external files. Its content security policy (`contentSecurityPolicy`)
/// lets a browser load nothing but the page's own inline style and `data:` images, and makes
/// it report anything else it was asked to load. The page is also well-formed XML (every
/// element closed, void elements written `<img ... />`, no named entities but XML's), so any
/// XML parser can check it.
struct HTMLDocument {
    /// The page title (`<title>` and nothing else).
    var title: String
    /// The markup of `<body>`, built with `element` and `escaped`.
    var body: [String] = []

    /// The look of every page: a centred column, charts in a grid of cards that wraps on
    /// narrow windows, plain tables. (No `>` or `&` in it, so the page stays valid XML.)
    static let style = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; margin: 0; }
        main { max-width: 1360px; margin: 0 auto; padding: 24px; }
        h1 { font-size: 24px; margin: 0 0 4px 0; }
        h2 { font-size: 19px; margin: 32px 0 8px 0; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
        p.status { color: #57606a; margin: 0 0 16px 0; }
        p.note { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); gap: 16px; }
        figure { background: white; border: 1px solid #d0d7de; border-radius: 8px; margin: 0; padding: 12px; }
        figure svg { width: 100%; height: auto; display: block; }
        figure img { width: 100%; height: auto; display: block; image-rendering: pixelated; }
        figcaption { font-size: 13px; color: #57606a; margin-top: 6px; line-height: 1.4; }
        table { border-collapse: collapse; font-size: 13px; background: white; }
        th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; }
        td.number { text-align: right; font-variant-numeric: tabular-nums; }
        .scroll { max-height: 360px; overflow: auto; display: inline-block; max-width: 100%; }
        code { font-size: 12px; }
        """

    /// Nothing from the network or from other files: inline style and `data:` images only.
    static let contentSecurityPolicy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

    /// The whole page.
    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8" />
        <meta http-equiv="Content-Security-Policy" content="\(Self.escaped(Self.contentSecurityPolicy))" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>\(Self.escaped(title))</title>
        <style>
        \(Self.style)
        </style>
        </head>
        <body>
        <main>
        \(body.joined(separator: "\n"))
        </main>
        </body>
        </html>

        """
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, for element content and attribute values.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    /// `<name attributes>content</name>`; `content` is markup (escape text with `escaped`),
    /// attribute values are escaped here.
    static func element(_ name: String, _ attributes: [(String, String)], _ content: String) -> String {
        "<\(name)\(attributeList(attributes))>\(content)</\(name)>"
    }

    /// `<name>content</name>`; `content` is markup.
    static func element(_ name: String, _ content: String) -> String { element(name, [], content) }

    /// `<name attributes />`, an element without content (`img`).
    static func voidElement(_ name: String, _ attributes: [(String, String)]) -> String {
        "<\(name)\(attributeList(attributes)) />"
    }

    /// A table with a header row; `numeric` columns are right-aligned. Cells are text.
    static func table(header: [String], rows: [[String]], numeric: Set<Int> = []) -> String {
        let head = element("tr", header.map { element("th", escaped($0)) }.joined())
        let lines = rows.map { row in
            element("tr", row.enumerated().map { index, cell in
                element("td", numeric.contains(index) ? [("class", "number")] : [], escaped(cell))
            }.joined())
        }
        return element("table", element("thead", head) + element("tbody", lines.joined(separator: "\n")))
    }

    private static func attributeList(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escaped($0.1))\"" }.joined()
    }
}
