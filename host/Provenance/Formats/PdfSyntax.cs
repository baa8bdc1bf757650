using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Provenance.Formats;

internal sealed record PdfName(string Value);

internal sealed record PdfRef(int Number, int Generation);

internal sealed record PdfKeyword(string Value);

internal sealed class PdfString(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;
}

internal sealed class PdfNull
{
    public static readonly PdfNull Instance = new();
}

internal sealed class PdfDictionary : Dictionary<string, object>
{
    public object? Get(string key) => TryGetValue(key, out object? value) ? value : null;
}

internal sealed class PdfArray : List<object>;

/// <summary>
/// The PDF object syntax (ISO 32000-1 §7.2-7.3) over a byte window: numbers, names, strings, arrays, dictionaries,
/// indirect references and keywords. Nesting is limited to <see cref="MaxDepth"/> and every collection to
/// <see cref="MaxItems"/>; running off the window throws <see cref="PdfWindowExhaustedException"/> so the caller can
/// retry with a larger window, and anything malformed throws <see cref="AssetFormatException"/> with the file offset.
/// </summary>
internal sealed class PdfLexer
{
    public const int MaxDepth = 64;
    public const int MaxItems = 100_000;
    private const string Format = "pdf";

    private readonly byte[] _data;
    private readonly int _length;
    private readonly long _baseOffset;
    private readonly bool _windowEndsFile;

    /// <param name="baseOffset">File offset of <paramref name="data"/>[0], for messages.</param>
    /// <param name="windowEndsFile">True when the window reaches the end of the file (so running out is malformed, not a cue to read more).</param>
    public PdfLexer(byte[] data, int length, long baseOffset, bool windowEndsFile)
    {
        _data = data;
        _length = length;
        _baseOffset = baseOffset;
        _windowEndsFile = windowEndsFile;
    }

    public int Position { get; set; }

    public long FileOffset => _baseOffset + Position;

    public static bool IsWhitespace(byte b) => b is 0 or 9 or 10 or 12 or 13 or 32;

    public static bool IsDelimiter(byte b) => b is (byte)'(' or (byte)')' or (byte)'<' or (byte)'>' or (byte)'[' or (byte)']' or (byte)'{' or (byte)'}' or (byte)'/' or (byte)'%';

    public void SkipWhitespaceAndComments()
    {
        while (Position < _length)
        {
            byte b = _data[Position];
            if (IsWhitespace(b))
            {
                Position++;
            }
            else if (b == '%')
            {
                while (Position < _length && _data[Position] != '\n' && _data[Position] != '\r') Position++;
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>True (and consumes it) when the next token is exactly <paramref name="keyword"/>.</summary>
    public bool TryKeyword(string keyword)
    {
        SkipWhitespaceAndComments();
        int end = Position + keyword.Length;
        if (end > _length) return false;
        for (int i = 0; i < keyword.Length; i++)
            if (_data[Position + i] != keyword[i]) return false;
        if (end < _length && !IsWhitespace(_data[end]) && !IsDelimiter(_data[end])) return false;
        Position = end;
        return true;
    }

    public object ReadObject(int depth = 0)
    {
        if (depth > MaxDepth) throw Malformed($"objects nest deeper than {MaxDepth} levels");
        SkipWhitespaceAndComments();
        byte b = Peek();
        switch (b)
        {
            case (byte)'/':
                return ReadName();
            case (byte)'(':
                return ReadLiteralString();
            case (byte)'[':
            {
                Position++;
                var array = new PdfArray();
                while (true)
                {
                    SkipWhitespaceAndComments();
                    if (Peek() == ']')
                    {
                        Position++;
                        return array;
                    }
                    if (array.Count == MaxItems) throw Malformed($"array has more than {MaxItems} items");
                    array.Add(ReadObject(depth + 1));
                }
            }
            case (byte)'<':
                if (PeekAt(1) == '<') return ReadDictionary(depth);
                return ReadHexString();
            default:
                if (b is (byte)'+' or (byte)'-' or (byte)'.' || (b >= '0' && b <= '9')) return ReadNumberOrReference();
                if (IsDelimiter(b)) throw Malformed($"unexpected '{(char)b}'");
                string word = ReadRegular();
                return word switch
                {
                    "true" => true,
                    "false" => false,
                    "null" => PdfNull.Instance,
                    _ => new PdfKeyword(word),
                };
        }
    }

    private PdfDictionary ReadDictionary(int depth)
    {
        Position += 2;
        var dictionary = new PdfDictionary();
        while (true)
        {
            SkipWhitespaceAndComments();
            if (Peek() == '>' && PeekAt(1) == '>')
            {
                Position += 2;
                return dictionary;
            }
            if (Peek() != '/') throw Malformed("dictionary key is not a name");
            string key = ReadName().Value;
            if (dictionary.Count == MaxItems) throw Malformed($"dictionary has more than {MaxItems} entries");
            dictionary[key] = ReadObject(depth + 1);
        }
    }

    private PdfName ReadName()
    {
        Position++;
        var name = new StringBuilder();
        while (Position < _length)
        {
            byte c = _data[Position];
            if (IsWhitespace(c) || IsDelimiter(c)) break;
            // ISO 32000-1 §7.3.5: #xx is a byte in hexadecimal (so application/c2pa is written application#2Fc2pa).
            if (c == '#' && Position + 2 < _length && IsHex(_data[Position + 1]) && IsHex(_data[Position + 2]))
            {
                name.Append((char)Convert.ToByte(Encoding.ASCII.GetString(_data, Position + 1, 2), 16));
                Position += 3;
                continue;
            }
            name.Append((char)c);
            Position++;
        }
        if (Position >= _length && !_windowEndsFile) throw new PdfWindowExhaustedException();
        return new PdfName(name.ToString());
    }

    private PdfString ReadLiteralString()
    {
        Position++;
        var bytes = new List<byte>();
        int nesting = 1;
        while (true)
        {
            byte c = Peek();
            Position++;
            if (c == '\\')
            {
                byte e = Peek();
                Position++;
                switch (e)
                {
                    case (byte)'n': bytes.Add(10); break;
                    case (byte)'r': bytes.Add(13); break;
                    case (byte)'t': bytes.Add(9); break;
                    case (byte)'b': bytes.Add(8); break;
                    case (byte)'f': bytes.Add(12); break;
                    case (byte)'\r':
                        if (Position < _length && _data[Position] == '\n') Position++;
                        break;
                    case (byte)'\n': break;
                    default:
                        if (e >= '0' && e <= '7')
                        {
                            int value = e - '0';
                            for (int i = 0; i < 2 && Position < _length && _data[Position] >= '0' && _data[Position] <= '7'; i++) value = value * 8 + (_data[Position++] - '0');
                            bytes.Add((byte)value);
                        }
                        else
                        {
                            bytes.Add(e);
                        }
                        break;
                }
                continue;
            }
            if (c == '(') nesting++;
            if (c == ')' && --nesting == 0) return new PdfString(bytes.ToArray());
            bytes.Add(c);
        }
    }

    private PdfString ReadHexString()
    {
        Position++;
        var bytes = new List<byte>();
        int high = -1;
        while (true)
        {
            byte c = Peek();
            Position++;
            if (c == '>') break;
            if (IsWhitespace(c)) continue;
            if (!IsHex(c)) throw Malformed($"'{(char)c}' in a hexadecimal string");
            int digit = Convert.ToInt32(((char)c).ToString(), 16);
            if (high < 0) high = digit;
            else
            {
                bytes.Add((byte)(high * 16 + digit));
                high = -1;
            }
        }
        if (high >= 0) bytes.Add((byte)(high * 16));
        return new PdfString(bytes.ToArray());
    }

    private object ReadNumberOrReference()
    {
        long start = FileOffset;
        string first = ReadRegular();
        if (!long.TryParse(first, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            if (double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double real)) return real;
            throw new AssetFormatException(Format, start, $"'{first}' is not a number");
        }
        // `N G R` is an indirect reference: look ahead without consuming unless all three tokens match.
        int save = Position;
        if (integer >= 0 && integer <= int.MaxValue && first[0] is >= '0' and <= '9')
        {
            SkipWhitespaceAndComments();
            if (Position < _length && _data[Position] >= '0' && _data[Position] <= '9')
            {
                string second = ReadRegular();
                if (int.TryParse(second, NumberStyles.None, CultureInfo.InvariantCulture, out int generation) && TryKeyword("R"))
                    return new PdfRef((int)integer, generation);
            }
            else if (Position >= _length && !_windowEndsFile)
            {
                throw new PdfWindowExhaustedException();
            }
        }
        Position = save;
        return integer;
    }

    private string ReadRegular()
    {
        int start = Position;
        while (Position < _length && !IsWhitespace(_data[Position]) && !IsDelimiter(_data[Position])) Position++;
        if (Position >= _length && !_windowEndsFile) throw new PdfWindowExhaustedException();
        if (Position - start > 256) throw new AssetFormatException(Format, _baseOffset + start, "token longer than 256 bytes");
        return Encoding.ASCII.GetString(_data, start, Position - start);
    }

    private byte Peek()
    {
        if (Position < _length) return _data[Position];
        if (!_windowEndsFile) throw new PdfWindowExhaustedException();
        throw Malformed("file ends inside an object");
    }

    private byte PeekAt(int ahead)
    {
        if (Position + ahead < _length) return _data[Position + ahead];
        if (!_windowEndsFile) throw new PdfWindowExhaustedException();
        return 0;
    }

    private static bool IsHex(byte b) => (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');

    private AssetFormatException Malformed(string problem) => new(Format, FileOffset, problem);
}

/// <summary>The lexer reached the end of its window before the end of the object: read a larger window.</summary>
internal sealed class PdfWindowExhaustedException : Exception;
