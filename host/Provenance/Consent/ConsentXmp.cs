using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Provenance.Formats;

namespace Provenance.Consent;

/// <summary>
/// The IPTC PLUS "Data Mining" values (IPTC Photo Metadata Standard 2023.1, PLUS LDF vocabulary
/// http://ns.useplus.org/ldf/vocab/).
/// </summary>
public static class PlusDataMining
{
    public const string VocabularyPrefix = "http://ns.useplus.org/ldf/vocab/";
    public const string Unspecified = VocabularyPrefix + "DMI-UNSPECIFIED";
    public const string Allowed = VocabularyPrefix + "DMI-ALLOWED";
    public const string ProhibitedAiMlTraining = VocabularyPrefix + "DMI-PROHIBITED-AIMLTRAINING";
    public const string ProhibitedGenAiMlTraining = VocabularyPrefix + "DMI-PROHIBITED-GENAIMLTRAINING";
    public const string ProhibitedExceptSearchEngineIndexing = VocabularyPrefix + "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING";
    public const string Prohibited = VocabularyPrefix + "DMI-PROHIBITED";
    public const string ProhibitedSeeConstraint = VocabularyPrefix + "DMI-PROHIBITED-SEECONSTRAINT";
    public const string ProhibitedSeeEmbeddedRightsExpression = VocabularyPrefix + "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR";
    public const string ProhibitedSeeLinkedRightsExpression = VocabularyPrefix + "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR";

    /// <summary>
    /// The one PLUS value that says the artist's four CAWG choices without ever allowing something they refused:
    /// <list type="bullet">
    /// <item>any of data mining / AI training / generative AI training constrained → DMI-PROHIBITED-SEECONSTRAINT (the
    /// constraints are spelled out in plus:OtherConstraints);</item>
    /// <item>all three not allowed → DMI-PROHIBITED;</item>
    /// <item>AI training and generative AI training not allowed, data mining allowed → DMI-PROHIBITED-AIMLTRAINING;</item>
    /// <item>only generative AI training not allowed → DMI-PROHIBITED-GENAIMLTRAINING;</item>
    /// <item>all three allowed → DMI-ALLOWED;</item>
    /// <item>any other mix (e.g. mining refused but training allowed) has no PLUS value of its own →
    /// DMI-PROHIBITED-SEECONSTRAINT.</item>
    /// </list>
    /// AI inference has no PLUS counterpart; it is stated in plus:OtherConstraints only.
    /// </summary>
    public static string For(ConsentClaims consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        ConsentPermission mining = consent[ConsentUse.DataMining];
        ConsentPermission training = consent[ConsentUse.AiTraining];
        ConsentPermission generative = consent[ConsentUse.AiGenerativeTraining];
        if (mining == ConsentPermission.Constrained || training == ConsentPermission.Constrained || generative == ConsentPermission.Constrained)
            return ProhibitedSeeConstraint;
        bool miningOk = mining == ConsentPermission.Allowed;
        bool trainingOk = training == ConsentPermission.Allowed;
        bool generativeOk = generative == ConsentPermission.Allowed;
        return (miningOk, trainingOk, generativeOk) switch
        {
            (false, false, false) => Prohibited,
            (true, false, false) => ProhibitedAiMlTraining,
            (true, true, false) => ProhibitedGenAiMlTraining,
            (true, true, true) => Allowed,
            _ => ProhibitedSeeConstraint,
        };
    }
}

/// <summary>
/// Writes the artist's consent as IPTC XMP (`plus:DataMining`, `plus:OtherConstraints`, optionally `dc:creator` and
/// `dc:title`), merged into the file's existing packet when it has one, and reads `plus:DataMining` back.
/// Parsing is bounded: no DTDs, no external resolution, at most <see cref="MaxPacketChars"/> characters and
/// <see cref="MaxDepth"/> levels of nesting.
/// </summary>
public static class ConsentXmp
{
    public const string PlusNamespace = "http://ns.useplus.org/ldf/xmp/1.0/";
    public const string DcNamespace = "http://purl.org/dc/elements/1.1/";
    public const string RdfNamespace = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public const string XmpMetaNamespace = "adobe:ns:meta/";

    /// <summary>Largest existing packet accepted for merging or reading.</summary>
    public const int MaxPacketChars = 4 * 1024 * 1024;

    /// <summary>Deepest element nesting accepted.</summary>
    public const int MaxDepth = 64;

    private static readonly XNamespace X = XmpMetaNamespace;
    private static readonly XNamespace Rdf = RdfNamespace;
    private static readonly XNamespace Plus = PlusNamespace;
    private static readonly XNamespace Dc = DcNamespace;

    /// <summary>
    /// An XMP packet carrying the consent. When <paramref name="existingPacket"/> is given, its other properties are
    /// kept and only the properties written here are replaced.
    /// </summary>
    /// <example><code>string xmp = ConsentXmp.Build(ConsentClaims.AllNotAllowed(), handler.ReadXmp(file), "Ada Artist", "Harbour at dusk");</code></example>
    public static string Build(ConsentClaims consent, string? existingPacket = null, string? creator = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(consent);
        XElement meta = existingPacket is null || string.IsNullOrWhiteSpace(existingPacket)
            ? new XElement(X + "xmpmeta", new XAttribute(XNamespace.Xmlns + "x", XmpMetaNamespace))
            : ParseMeta(existingPacket);
        XElement rdf = meta.Element(Rdf + "RDF") ?? AddRdf(meta);

        // XMP Specification Part 1: every rdf:Description of a packet carries the same rdf:about.
        string about = (string?)rdf.Elements(Rdf + "Description").FirstOrDefault()?.Attribute(Rdf + "about") ?? "";
        var replaced = new List<XName> { Plus + "DataMining", Plus + "OtherConstraints" };
        // dc:creator is an ordered list of authors: the artist is added to the ones the file names, never replaces them.
        var creators = new List<string>();
        if (creator is not null)
        {
            creators.AddRange(ExistingCreators(rdf));
            if (!creators.Contains(creator, StringComparer.Ordinal)) creators.Add(creator);
            replaced.Add(Dc + "creator");
        }
        if (title is not null) replaced.Add(Dc + "title");
        foreach (XElement description in rdf.Elements(Rdf + "Description").ToList())
        {
            description.Elements().Where(e => replaced.Contains(e.Name)).Remove();
            description.Attributes().Where(a => replaced.Contains(a.Name)).Remove();
            bool empty = !description.HasElements && description.Attributes().All(a => a.IsNamespaceDeclaration || a.Name == Rdf + "about");
            if (empty) description.Remove();
        }

        var ours = new XElement(Rdf + "Description",
            new XAttribute(Rdf + "about", about),
            new XAttribute(XNamespace.Xmlns + "plus", PlusNamespace),
            new XElement(Plus + "DataMining", PlusDataMining.For(consent)),
            new XElement(Plus + "OtherConstraints", LangAlt(DescribeConsent(consent))));
        if (creator is not null || title is not null) ours.Add(new XAttribute(XNamespace.Xmlns + "dc", DcNamespace));
        if (creator is not null) ours.Add(new XElement(Dc + "creator", new XElement(Rdf + "Seq", creators.Select(c => new XElement(Rdf + "li", c)))));
        if (title is not null) ours.Add(new XElement(Dc + "title", LangAlt(title)));
        rdf.Add(ours);

        var settings = new XmlWriterSettings { OmitXmlDeclaration = true, Indent = true, IndentChars = " ", Encoding = new UTF8Encoding(false) };
        var text = new StringBuilder();
        text.Append("<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
        using (var writer = XmlWriter.Create(new StringWriter(text), settings)) meta.WriteTo(writer);
        text.Append("\n<?xpacket end=\"w\"?>");
        return text.ToString();
    }

    /// <summary>The authors a packet's dc:creator names (rdf:Seq or rdf:Bag items, or a plain value), in order.</summary>
    private static IEnumerable<string> ExistingCreators(XElement rdf)
    {
        foreach (XElement description in rdf.Elements(Rdf + "Description"))
        {
            if (description.Attribute(Dc + "creator") is { } attribute && attribute.Value.Trim().Length > 0) yield return attribute.Value.Trim();
            foreach (XElement element in description.Elements(Dc + "creator"))
            {
                XElement? list = element.Element(Rdf + "Seq") ?? element.Element(Rdf + "Bag");
                if (list is null)
                {
                    if (element.Value.Trim().Length > 0) yield return element.Value.Trim();
                    continue;
                }
                foreach (XElement item in list.Elements(Rdf + "li"))
                {
                    if (item.Value.Trim().Length > 0) yield return item.Value.Trim();
                }
            }
        }
    }

    /// <summary>Human-readable text of the four choices and their constraints (the value of plus:OtherConstraints).</summary>
    public static string DescribeConsent(ConsentClaims consent)
    {
        ArgumentNullException.ThrowIfNull(consent);
        var text = new StringBuilder("The artist's consent (CAWG training and data mining): ");
        ConsentUse[] uses = [ConsentUse.AiTraining, ConsentUse.AiGenerativeTraining, ConsentUse.DataMining, ConsentUse.AiInference];
        for (int i = 0; i < uses.Length; i++)
        {
            if (i > 0) text.Append("; ");
            text.Append(UseName(uses[i])).Append(": ").Append(consent[uses[i]] switch
            {
                ConsentPermission.Allowed => "allowed",
                ConsentPermission.NotAllowed => "not allowed",
                _ => "allowed only under this constraint: " + consent.ConstraintInfo(uses[i]),
            });
        }
        return text.Append('.').ToString();
    }

    /// <summary>The `plus:DataMining` value of a packet (element, attribute or rdf:resource form), or null.</summary>
    public static string? ReadDataMining(string packet) => ReadProperty(packet, Plus + "DataMining");

    /// <summary>The x-default (or first) `plus:OtherConstraints` text of a packet, or null.</summary>
    public static string? ReadOtherConstraints(string packet) => ReadProperty(packet, Plus + "OtherConstraints");

    private static string? ReadProperty(string packet, XName name)
    {
        ArgumentNullException.ThrowIfNull(packet);
        XElement meta = ParseMeta(packet);
        foreach (XElement description in meta.Descendants(Rdf + "Description"))
        {
            if (description.Attribute(name) is { } attribute) return attribute.Value.Trim();
            if (description.Element(name) is not { } element) continue;
            if (element.Attribute(Rdf + "resource") is { } resource) return resource.Value.Trim();
            if (element.Element(Rdf + "Alt") is { } alt)
            {
                var items = alt.Elements(Rdf + "li").ToList();
                var chosen = items.FirstOrDefault(li => (string?)li.Attribute(XNamespace.Xml + "lang") == "x-default") ?? items.FirstOrDefault();
                return chosen?.Value.Trim();
            }
            return element.Value.Trim();
        }
        return null;
    }

    private static string UseName(ConsentUse use) => use switch
    {
        ConsentUse.AiTraining => "AI training",
        ConsentUse.AiGenerativeTraining => "generative AI training",
        ConsentUse.DataMining => "data mining",
        ConsentUse.AiInference => "AI inference",
        _ => throw new ArgumentOutOfRangeException(nameof(use)),
    };

    private static XElement LangAlt(string value) =>
        new(Rdf + "Alt", new XElement(Rdf + "li", new XAttribute(XNamespace.Xml + "lang", "x-default"), value));

    private static XElement AddRdf(XElement meta)
    {
        var rdf = new XElement(Rdf + "RDF", new XAttribute(XNamespace.Xmlns + "rdf", RdfNamespace));
        meta.Add(rdf);
        return rdf;
    }

    /// <summary>Parses a packet into its x:xmpmeta element (a bare rdf:RDF root is wrapped in one).</summary>
    private static XElement ParseMeta(string packet)
    {
        if (packet.Length > MaxPacketChars)
            throw new AssetFormatException("xmp", 0, $"XMP packet of {packet.Length} characters is larger than the {MaxPacketChars}-character limit");
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxPacketChars,
            MaxCharactersFromEntities = 1024,
            IgnoreProcessingInstructions = true,
            IgnoreComments = true,
        };
        XDocument document;
        try
        {
            using (var depthCheck = XmlReader.Create(new StringReader(packet.Trim('\uFEFF', ' ', '\t', '\r', '\n', '\0')), settings))
            {
                while (depthCheck.Read())
                {
                    if (depthCheck.Depth > MaxDepth)
                        throw new AssetFormatException("xmp", 0, $"XMP nests deeper than {MaxDepth} levels at line {((IXmlLineInfo)depthCheck).LineNumber}");
                }
            }
            using var reader = XmlReader.Create(new StringReader(packet.Trim('\uFEFF', ' ', '\t', '\r', '\n', '\0')), settings);
            document = XDocument.Load(reader);
        }
        catch (XmlException e)
        {
            throw new AssetFormatException("xmp", 0, $"malformed XMP at line {e.LineNumber}, position {e.LinePosition}: {e.Message}");
        }
        XElement root = document.Root ?? throw new AssetFormatException("xmp", 0, "XMP packet has no root element");
        if (root.Name == X + "xmpmeta") return root;
        if (root.Name == Rdf + "RDF")
        {
            root.Remove();
            return new XElement(X + "xmpmeta", new XAttribute(XNamespace.Xmlns + "x", XmpMetaNamespace), root);
        }
        throw new AssetFormatException("xmp", 0, $"XMP root element is {root.Name}, not x:xmpmeta or rdf:RDF");
    }
}
