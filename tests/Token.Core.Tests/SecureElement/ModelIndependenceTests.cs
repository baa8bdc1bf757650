using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Reflection.Emit;
using ProvenanceDevice.Token.Emulator.SecureElement;

namespace Token.Core.Tests.SecureElement;

/// <summary>
/// The chip model is the driver's judge, so it must not borrow the driver's encoding: a wrong opcode, status code or CRC
/// shared by both would pass every test. These tests hold the model to its own constants and CRC.
/// </summary>
public class ModelIndependenceTests
{
    private const string DriverNamespace = "ProvenanceDevice.Token.SecureElement";

    [Fact]
    public void TheModelsCodeCallsNothingOfTheDriver()
    {
        // Every field, method and type token in the IL of the model's types (and their nested and compiler-made types).
        var offenders = new SortedSet<string>();
        foreach (Type type in ModelTypes())
        {
            foreach (MethodBase method in Methods(type))
            {
                foreach (MemberInfo member in ReferencedMembers(method))
                {
                    Type? owner = member as Type ?? member.DeclaringType;
                    if (owner != null && owner.Namespace == DriverNamespace)
                    {
                        offenders.Add(type.Name + "." + method.Name + " -> " + owner.Name + "." + member.Name);
                    }
                }
            }
            foreach (Type implemented in type.GetInterfaces())
            {
                if (implemented.Namespace == DriverNamespace) offenders.Add(type.Name + " implements " + implemented.Name);
            }
        }

        Assert.True(offenders.Count == 0, "the model uses the driver's code:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void TheModelsSourceNamesNoneOfTheDriversConstants()
    {
        // C# inlines const fields, so the IL check above cannot see AteccOpcode.Sign or AteccStatus.ParseError: read the source.
        string folder = Path.Combine(RepositoryRoot(), "firmware", "Token.Emulator", "SecureElement");
        foreach (string file in new[] { "Atecc608Model.cs", "Atecc608Datasheet.cs" })
        {
            string source = File.ReadAllText(Path.Combine(folder, file));
            Assert.DoesNotContain("using " + DriverNamespace, source);
            foreach (string name in new[] { "AteccOpcode", "AteccStatus", "AteccCrc", "AteccCommand", "AteccResponse", "AteccZone", "Atecc608Config", "Atecc608." })
            {
                Assert.False(source.Contains(name, StringComparison.Ordinal), file + " names the driver's " + name);
            }
        }
    }

    // CRC-16 of the datasheet: polynomial 0x8005, register 0, data bits fed least-significant first, CRC sent low byte first.
    [Theory]
    [InlineData("04", "11", "3343")]             // the wake response (datasheet, "Wake": 0x04, 0x11, 0x33, 0x43)
    [InlineData("04", "07", "40C2")]             // the wake response after a failed self test (status 0x07; see the README on CryptoAuthLib's C4 40)
    [InlineData("04", "00", "0340")]             // a success status packet
    [InlineData("07", "30000000", "035D")]       // an Info command packet (count .. param2), as Microchip's tools send it
    public void TheModelsCrcMatchesKnownPackets(string count, string body, string crcLittleEndian)
    {
        byte[] covered = Convert.FromHexString(count + body);

        ushort crc = Atecc608Datasheet.Crc16(covered, 0, covered.Length);

        Assert.Equal(crcLittleEndian, ((byte)crc).ToString("X2") + ((byte)(crc >> 8)).ToString("X2"));
    }

    [Fact]
    public void TheModelAnswersItsWakeWithItsOwnCrc()
    {
        var model = Atecc608Model.CreateFactoryNew();
        model.Wake();
        byte[] answer = new byte[4];

        Assert.True(model.Read(answer));
        Assert.Equal(new byte[] { 0x04, 0x11, 0x33, 0x43 }, answer);
    }

    private static IEnumerable<Type> ModelTypes()
    {
        Assembly emulator = typeof(Atecc608Model).Assembly;
        foreach (Type type in emulator.GetTypes())
        {
            string name = type.FullName ?? string.Empty;
            if (name.StartsWith(typeof(Atecc608Model).FullName!, StringComparison.Ordinal)
                || name.StartsWith(typeof(Atecc608Datasheet).FullName!, StringComparison.Ordinal))
            {
                yield return type;
            }
        }
    }

    private static IEnumerable<MethodBase> Methods(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        foreach (MethodInfo method in type.GetMethods(all)) yield return method;
        foreach (ConstructorInfo constructor in type.GetConstructors(all)) yield return constructor;
        ConstructorInfo? typeInitializer = type.TypeInitializer;
        if (typeInitializer != null) yield return typeInitializer;
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = LoadOpCodes();

    private static Dictionary<short, OpCode> LoadOpCodes()
    {
        var map = new Dictionary<short, OpCode>();
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is OpCode code) map[code.Value] = code;
        }
        return map;
    }

    /// <summary>Walks the IL and resolves every metadata token an instruction carries.</summary>
    private static IEnumerable<MemberInfo> ReferencedMembers(MethodBase method)
    {
        byte[]? il = method.GetMethodBody()?.GetILAsByteArray();
        if (il == null) yield break;
        Module module = method.Module;
        Type[]? typeArguments = method.DeclaringType?.IsGenericType == true ? method.DeclaringType.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        int position = 0;
        while (position < il.Length)
        {
            short value = il[position] == 0xFE ? (short)(0xFE00 | il[position + 1]) : il[position];
            OpCode code = OpCodesByValue[value];
            position += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineType:
                case OperandType.InlineTok:
                    int token = BitConverter.ToInt32(il, position);
                    MemberInfo? member = null;
                    try
                    {
                        member = module.ResolveMember(token, typeArguments, methodArguments);
                    }
                    catch (ArgumentException)
                    {
                    }
                    if (member != null) yield return member;
                    position += 4;
                    break;
                case OperandType.InlineSwitch:
                    int cases = BitConverter.ToInt32(il, position);
                    position += 4 + (4 * cases);
                    break;
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    position += 1;
                    break;
                case OperandType.InlineVar:
                    position += 2;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    position += 8;
                    break;
                default:
                    position += 4;
                    break;
            }
        }
    }

    private static string RepositoryRoot()
    {
        string? folder = AppContext.BaseDirectory;
        while (folder != null && !File.Exists(Path.Combine(folder, "ProvenanceDevice.sln"))) folder = Path.GetDirectoryName(folder);
        return folder ?? throw new InvalidOperationException("repository root not found");
    }
}
