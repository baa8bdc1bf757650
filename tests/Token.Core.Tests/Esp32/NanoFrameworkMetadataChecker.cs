using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Token.Core.Tests.Esp32;

/// <summary>What C# can compile but the nanoFramework 1.x build (MetadataProcessor) or runtime (nanoCLR) cannot take.</summary>
internal enum NanoFrameworkConstruct
{
    /// <summary>A constructed generic type (TypeSpec with GenericInst), e.g. <c>Action&lt;int&gt;</c>: 1.x has no generics.</summary>
    GenericInstantiation,
    /// <summary>A generic method: a definition with generic parameters, or a call through a MethodSpec.</summary>
    GenericMethod,
    /// <summary>A generic type definition (GenericParam owned by a TypeDef).</summary>
    GenericType,
    /// <summary><c>T[,]</c>: an ELEMENT_TYPE_ARRAY signature (only single-dimension, zero-based arrays exist).</summary>
    MultidimensionalArray,
    /// <summary><c>catch ... when (...)</c>: an exception-filter clause.</summary>
    ExceptionFilter,
    /// <summary><c>checked</c> arithmetic or conversion: add.ovf, mul.ovf, sub.ovf, conv.ovf.*.</summary>
    OverflowCheckedOpcode,
    /// <summary><c>stackalloc</c>: the localloc opcode.</summary>
    Localloc,
    /// <summary>Pointers, function pointers, pinned locals, [module: UnverifiableCode]: unsafe code.</summary>
    UnsafeCode,
    /// <summary>A static abstract or static virtual interface member (C# 11), or a class implementing one.</summary>
    StaticAbstractInterfaceMember,
    /// <summary>An opcode nanoCLR's interpreter lists as unsupported (calli, cpblk, initblk, jmp, arglist, ckfinite, mkrefany, refanytype, refanyval, readonly.).</summary>
    UnsupportedOpcode,
}

/// <summary>One offending construct: which, where (type::method and IL offset, or the metadata row), and what exactly.</summary>
internal sealed record NanoFrameworkFinding(NanoFrameworkConstruct Construct, string Where, string Detail)
{
    public override string ToString() => $"{Construct} in {Where}: {Detail}";
}

/// <summary>
/// Reads a compiled assembly with System.Reflection.Metadata and reports every construct that the nanoFramework 1.x
/// tool chain cannot take although Roslyn compiles it. Where each rule comes from:
/// <list type="bullet">
/// <item>Generics: the 1.x CoreLibrary declares a few generic delegates, but its runtime has no generics support
/// (../shared/nanoframework-api.md; generics arrive with the 2.0 preview line and MetadataProcessor v4's
/// nanoGenericParamTable / nanoTypeSpecificationsTable).</item>
/// <item>Multidimensional arrays: MetadataProcessor nanoTypeSpecificationsTable.GetOrCreateTypeSpecificationId throws
/// ".NET nanoFramework doesn't have support for multidimensional arrays".</item>
/// <item>Pointers: MetadataProcessor nanoAssemblyBuilder throws "Pointer types in unsafe code aren't supported".</item>
/// <item>Exception filters: MetadataProcessor's 1.x dependency walk skips filter handlers (nanoAssemblyBuilder: only
/// non-Filter handlers contribute their catch type); we do not rely on nanoCLR's newer filter path.</item>
/// <item>Overflow checks: nf-interpreter src/CLR/Core/Interpreter.cpp runs add.ovf/sub.ovf/mul.ovf (and their .un forms)
/// through the same NumericAdd/NumericSub/NumericMul as add/sub/mul, so <c>checked</c> silently wraps on the board
/// while it throws on the PC. conv.ovf.* is checked there, but a core that tests its overflow behaviour on net10
/// must not depend on a split like that, so every .ovf opcode is refused.</item>
/// <item>localloc, calli, cpblk, initblk, jmp, arglist, ckfinite, mkrefany, refanytype, refanyval, readonly.: listed
/// under "Unsupported opcodes" in Interpreter.cpp (CLR_Checks::VerifyUnsupportedInstruction).</item>
/// <item>Static abstract/virtual interface members: Roslyn allows them only when the core library's
/// System.Runtime.CompilerServices.RuntimeFeature declares VirtualStaticsInInterfaces; nanoFramework's CoreLibrary
/// (System/Runtime/CompilerServices/RuntimeFeature.cs) declares only DefaultImplementationsOfInterfaces, so default
/// interface methods are not flagged here, static abstract members are.</item>
/// </list>
/// </summary>
internal static class NanoFrameworkMetadataChecker
{
    private static readonly Dictionary<ushort, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(OpCode))
        .Select(f => (OpCode)f.GetValue(null)!)
        .GroupBy(op => unchecked((ushort)op.Value))
        .ToDictionary(g => g.Key, g => g.First());

    private static readonly HashSet<string> UnsupportedOpcodes = new(StringComparer.Ordinal)
    {
        "arglist", "cpblk", "jmp", "initblk", "calli", "ckfinite", "mkrefany", "refanytype", "refanyval", "readonly.",
    };

    public static List<NanoFrameworkFinding> Check(string assemblyPath)
    {
        using FileStream stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var findings = new List<NanoFrameworkFinding>();
        var shapes = new ShapeProvider(reader);

        void CheckSignature(string where, Func<ShapeProvider, string> decode)
        {
            shapes.Seen.Clear();
            string shown = decode(shapes);
            foreach (var (construct, detail) in shapes.Seen.Distinct()) findings.Add(new NanoFrameworkFinding(construct, where, detail + " in " + shown));
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.TypeSpec); row++)
        {
            var handle = MetadataTokens.TypeSpecificationHandle(row);
            CheckSignature($"TypeSpec 0x{MetadataTokens.GetToken(handle):X8}", p => reader.GetTypeSpecification(handle).DecodeSignature(p, null));
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = reader.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            ImmutableArray<string> arguments = spec.DecodeSignature(shapes, null);
            findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.GenericMethod, $"MethodSpec {row}",
                "instantiation " + MethodName(reader, spec.Method) + "<" + string.Join(",", arguments) + ">"));
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.GenericParam); row++)
        {
            GenericParameter parameter = reader.GetGenericParameter(MetadataTokens.GenericParameterHandle(row));
            string name = reader.GetString(parameter.Name);
            if (parameter.Parent.Kind == HandleKind.TypeDefinition)
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.GenericType, TypeName(reader, (TypeDefinitionHandle)parameter.Parent), "type parameter " + name));
            else
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.GenericMethod, MethodName(reader, parameter.Parent), "method type parameter " + name));
        }

        foreach (MemberReferenceHandle handle in reader.MemberReferences)
        {
            MemberReference member = reader.GetMemberReference(handle);
            string where = "reference to " + MethodName(reader, handle);
            if (member.GetKind() == MemberReferenceKind.Field) CheckSignature(where, p => member.DecodeFieldSignature(p, null));
            else CheckSignature(where, p => Show(member.DecodeMethodSignature(p, null)));
        }

        foreach (TypeDefinitionHandle typeHandle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(typeHandle);
            bool isInterface = (type.Attributes & TypeAttributes.Interface) != 0;
            foreach (FieldDefinitionHandle fieldHandle in type.GetFields())
            {
                FieldDefinition field = reader.GetFieldDefinition(fieldHandle);
                CheckSignature(TypeName(reader, typeHandle) + "." + reader.GetString(field.Name), p => field.DecodeSignature(p, null));
            }
            foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
            {
                MethodDefinition method = reader.GetMethodDefinition(methodHandle);
                string where = MethodName(reader, methodHandle);
                CheckSignature(where, p => Show(method.DecodeSignature(p, null)));
                if (isInterface && (method.Attributes & MethodAttributes.Static) != 0 &&
                    (method.Attributes & (MethodAttributes.Abstract | MethodAttributes.Virtual)) != 0)
                {
                    findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.StaticAbstractInterfaceMember, where, "static abstract/virtual interface member"));
                }
                if (method.RelativeVirtualAddress != 0) CheckBody(reader, pe.GetMethodBody(method.RelativeVirtualAddress), where, shapes, findings);
            }
        }

        // A class implementing a static interface member does it through a MethodImpl whose body is a static method.
        foreach (TypeDefinitionHandle typeHandle in reader.TypeDefinitions)
        {
            foreach (MethodImplementationHandle implHandle in reader.GetTypeDefinition(typeHandle).GetMethodImplementations())
            {
                MethodImplementation impl = reader.GetMethodImplementation(implHandle);
                if (impl.MethodBody.Kind == HandleKind.MethodDefinition &&
                    (reader.GetMethodDefinition((MethodDefinitionHandle)impl.MethodBody).Attributes & MethodAttributes.Static) != 0)
                {
                    findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.StaticAbstractInterfaceMember, MethodName(reader, impl.MethodBody),
                        "implements static interface member " + MethodName(reader, impl.MethodDeclaration)));
                }
            }
        }

        foreach (CustomAttributeHandle handle in reader.GetModuleDefinition().GetCustomAttributes().Concat(reader.GetAssemblyDefinition().GetCustomAttributes()))
        {
            string attribute = AttributeTypeName(reader, reader.GetCustomAttribute(handle));
            if (attribute == "System.Security.UnverifiableCodeAttribute")
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.UnsafeCode, "module", "[module: UnverifiableCode] (compiled with /unsafe)"));
        }
        return findings;
    }

    private static void CheckBody(MetadataReader reader, MethodBodyBlock body, string where, ShapeProvider shapes, List<NanoFrameworkFinding> findings)
    {
        foreach (ExceptionRegion region in body.ExceptionRegions)
        {
            if (region.Kind == ExceptionRegionKind.Filter)
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.ExceptionFilter, where, $"filter at IL_{region.FilterOffset:X4} guarding IL_{region.TryOffset:X4}"));
        }

        if (!body.LocalSignature.IsNil)
        {
            StandaloneSignature locals = reader.GetStandaloneSignature(body.LocalSignature);
            shapes.Seen.Clear();
            ImmutableArray<string> types = locals.DecodeLocalSignature(shapes, null);
            foreach (var (construct, detail) in shapes.Seen.Distinct())
                findings.Add(new NanoFrameworkFinding(construct, where, detail + " in locals (" + string.Join(", ", types) + ")"));
        }

        foreach (var (offset, opcode) in Instructions(body.GetILBytes()!))
        {
            string at = $"{where} IL_{offset:X4}";
            if (opcode.Name!.Contains(".ovf", StringComparison.Ordinal))
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.OverflowCheckedOpcode, at, opcode.Name));
            else if (opcode.Name == "localloc")
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.Localloc, at, "localloc (stackalloc)"));
            else if (UnsupportedOpcodes.Contains(opcode.Name))
                findings.Add(new NanoFrameworkFinding(NanoFrameworkConstruct.UnsupportedOpcode, at, opcode.Name));
        }
    }

    /// <summary>
    /// Walks the IL byte stream opcode by opcode (ECMA-335 III.1.2: one byte, or 0xFE and a second byte), skipping each
    /// operand by its size, so an operand byte is never mistaken for an opcode. Throws on a byte that is no opcode.
    /// </summary>
    internal static List<(int Offset, OpCode OpCode)> Instructions(byte[] il)
    {
        var result = new List<(int, OpCode)>();
        int at = 0;
        while (at < il.Length)
        {
            int offset = at;
            ushort value = il[at++];
            if (value == 0xFE && at < il.Length) value = (ushort)(0xFE00 | il[at++]);
            if (!OpCodesByValue.TryGetValue(value, out OpCode opcode))
                throw new BadImageFormatException($"IL_{offset:X4}: 0x{value:X} is not an opcode");
            result.Add((offset, opcode));
            at += opcode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                // InlineBrTarget, InlineField, InlineI, InlineMethod, InlineSig, InlineString, InlineTok, InlineType, ShortInlineR
                _ => 4,
            };
            if (at > il.Length) throw new BadImageFormatException($"IL_{offset:X4}: {opcode.Name}'s operand runs past the end of the body");
        }
        return result;
    }

    private static string Show(MethodSignature<string> signature) => signature.ReturnType + "(" + string.Join(",", signature.ParameterTypes) + ")";

    private static string TypeName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        if (!declaring.IsNil) return TypeName(reader, declaring) + "/" + name;
        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string TypeReferenceName(MetadataReader reader, TypeReferenceHandle handle)
    {
        TypeReference type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference) return TypeReferenceName(reader, (TypeReferenceHandle)type.ResolutionScope) + "/" + name;
        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string MethodName(MetadataReader reader, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                return TypeName(reader, method.GetDeclaringType()) + "::" + reader.GetString(method.Name);
            case HandleKind.MemberReference:
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                string owner = member.Parent.Kind switch
                {
                    HandleKind.TypeReference => TypeReferenceName(reader, (TypeReferenceHandle)member.Parent),
                    HandleKind.TypeDefinition => TypeName(reader, (TypeDefinitionHandle)member.Parent),
                    HandleKind.TypeSpecification => "TypeSpec 0x" + MetadataTokens.GetToken(member.Parent).ToString("X8", System.Globalization.CultureInfo.InvariantCulture),
                    _ => member.Parent.Kind.ToString(),
                };
                return owner + "::" + reader.GetString(member.Name);
            default:
                return handle.Kind + " 0x" + MetadataTokens.GetToken(handle).ToString("X8", System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static string AttributeTypeName(MetadataReader reader, CustomAttribute attribute)
    {
        EntityHandle parent = attribute.Constructor.Kind == HandleKind.MemberReference
            ? reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent
            : reader.GetMethodDefinition((MethodDefinitionHandle)attribute.Constructor).GetDeclaringType();
        return parent.Kind switch
        {
            HandleKind.TypeReference => TypeReferenceName(reader, (TypeReferenceHandle)parent),
            HandleKind.TypeDefinition => TypeName(reader, (TypeDefinitionHandle)parent),
            _ => "",
        };
    }

    /// <summary>Renders signature types and notes each shape nanoFramework 1.x lacks.</summary>
    private sealed class ShapeProvider : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _reader;

        public ShapeProvider(MetadataReader reader) => _reader = reader;

        public List<(NanoFrameworkConstruct Construct, string Detail)> Seen { get; } = new();

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode.ToString();

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => TypeName(_reader, handle);

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeReferenceName(_reader, handle);

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => _reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape)
        {
            string shown = elementType + "[" + new string(',', shape.Rank - 1) + "]";
            Seen.Add((NanoFrameworkConstruct.MultidimensionalArray, "array type " + shown));
            return shown;
        }

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            string shown = genericType + "<" + string.Join(",", typeArguments) + ">";
            Seen.Add((NanoFrameworkConstruct.GenericInstantiation, "generic instantiation " + shown));
            return shown;
        }

        public string GetGenericTypeParameter(object? genericContext, int index)
        {
            Seen.Add((NanoFrameworkConstruct.GenericType, "type parameter !" + index));
            return "!" + index;
        }

        public string GetGenericMethodParameter(object? genericContext, int index)
        {
            Seen.Add((NanoFrameworkConstruct.GenericMethod, "method type parameter !!" + index));
            return "!!" + index;
        }

        public string GetPointerType(string elementType)
        {
            Seen.Add((NanoFrameworkConstruct.UnsafeCode, "pointer type " + elementType + "*"));
            return elementType + "*";
        }

        public string GetFunctionPointerType(MethodSignature<string> signature)
        {
            Seen.Add((NanoFrameworkConstruct.UnsafeCode, "function pointer"));
            return "method " + Show(signature);
        }

        public string GetPinnedType(string elementType)
        {
            Seen.Add((NanoFrameworkConstruct.UnsafeCode, "pinned local (fixed) of " + elementType));
            return elementType + " pinned";
        }

        public string GetByReferenceType(string elementType) => elementType + "&";

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    }
}
