using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using ProvenanceDevice.Token;

namespace Token.Core.Tests;

/// <summary>
/// The compiled core may only reference what nanoFramework 1.x offers (/work/shared/nanoframework-api.md):
/// every type, member and method instantiation it references in another assembly must be listed in
/// nanoframework-api.tsv by its documentation-comment ID.
/// </summary>
public class ApiSurfaceTests
{
    // Emitted by the compiler or the SDK, not by our code; the nanoFramework build strips or supplies its own.
    private static readonly HashSet<string> CompilerEmittedTypes = new(StringComparer.Ordinal)
    {
        "System.Runtime.CompilerServices.CompilerGeneratedAttribute",
        "System.Runtime.CompilerServices.NullableAttribute",
        "System.Runtime.CompilerServices.NullableContextAttribute",
        "System.Runtime.CompilerServices.NullablePublicOnlyAttribute",
        "System.Runtime.CompilerServices.RefSafetyRulesAttribute",
        "System.Runtime.CompilerServices.CompilationRelaxationsAttribute",
        "System.Runtime.CompilerServices.RuntimeCompatibilityAttribute",
        "System.Runtime.CompilerServices.IsReadOnlyAttribute",
        "System.Runtime.CompilerServices.EmbeddedAttribute",
        "System.Runtime.CompilerServices.ScopedRefAttribute",
        "System.Diagnostics.DebuggableAttribute",
        "System.Diagnostics.DebuggableAttribute.DebuggingModes",
        "System.Diagnostics.DebuggerBrowsableAttribute",
        "System.Diagnostics.DebuggerBrowsableState",
        "System.Runtime.Versioning.TargetFrameworkAttribute",
        "System.Reflection.AssemblyCompanyAttribute",
        "System.Reflection.AssemblyConfigurationAttribute",
        "System.Reflection.AssemblyFileVersionAttribute",
        "System.Reflection.AssemblyInformationalVersionAttribute",
        "System.Reflection.AssemblyProductAttribute",
        "System.Reflection.AssemblyTitleAttribute",
        "System.Reflection.AssemblyVersionAttribute",
        "System.Reflection.AssemblyMetadataAttribute",
        "System.Attribute",
        "System.AttributeUsageAttribute",
        "System.AttributeTargets",
    };

    [Fact]
    public void CoreReferencesOnlyTheNanoFrameworkApiSurface()
    {
        HashSet<string> allowed = LoadAllowedIds();
        List<ReferencedApi> referenced = CollectExternalReferences(typeof(TokenCore).Assembly.Location);

        var offenders = referenced
            .Where(api => !CompilerEmittedTypes.Contains(api.OwnerType))
            .Where(api => !api.CandidateIds.Any(allowed.Contains))
            .Select(api => api.CandidateIds[0])
            .Distinct()
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0,
            "ProvenanceDevice.Token.Core references APIs that nanoFramework 1.x lacks:\n  " + string.Join("\n  ", offenders));
    }

    [Fact]
    public void CollectorSeesTheCoreReferences()
    {
        List<string> ids = CollectExternalReferences(typeof(TokenCore).Assembly.Location)
            .Select(api => api.CandidateIds[0]).ToList();

        Assert.Contains("M System.Array.Copy(System.Array,System.Int32,System.Array,System.Int32,System.Int32)", ids);
        Assert.Contains("C System.Exception.#ctor(System.String)", ids);
        Assert.Contains("T System.Object", ids);
        Assert.Contains("M System.Text.Encoding.GetString(System.Byte[],System.Int32,System.Int32)", ids);
    }

    private static HashSet<string> LoadAllowedIds()
    {
        string path = FindApiList();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            if (line.Length == 0 || line[0] == '#') continue;
            int tab = line.IndexOf('\t');
            if (tab > 0) ids.Add(line.Substring(tab + 1));
        }
        Assert.True(ids.Count > 2000, "too few entries in " + path);
        return ids;
    }

    // The repository sits beside /work/shared (in CI at /work/main; a worktree at /work/wt/<name>): walk upward.
    private static string FindApiList()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "shared", "nanoframework-api.tsv");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("no shared/nanoframework-api.tsv in any parent of " + AppContext.BaseDirectory);
    }

    internal sealed record ReferencedApi(string OwnerType, string[] CandidateIds);

    internal static List<ReferencedApi> CollectExternalReferences(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader reader = pe.GetMetadataReader();
        var provider = new DocIdTypeProvider(reader);
        var result = new List<ReferencedApi>();

        foreach (TypeReferenceHandle handle in reader.TypeReferences)
        {
            if (!IsExternal(reader, handle)) continue;
            string name = provider.TypeReferenceName(handle);
            result.Add(new ReferencedApi(name, new[] { "T " + name }));
        }

        foreach (MemberReferenceHandle handle in reader.MemberReferences)
        {
            ReferencedApi? api = DescribeMember(reader, provider, handle);
            if (api != null) result.Add(api);
        }

        for (int row = 1; row <= reader.GetTableRowCount(TableIndex.MethodSpec); row++)
        {
            MethodSpecification spec = reader.GetMethodSpecification(MetadataTokens.MethodSpecificationHandle(row));
            if (spec.Method.Kind != HandleKind.MemberReference) continue;
            ReferencedApi? api = DescribeMember(reader, provider, (MemberReferenceHandle)spec.Method);
            if (api != null) result.Add(api);
        }
        return result;
    }

    private static bool IsExternal(MetadataReader reader, TypeReferenceHandle handle)
    {
        EntityHandle scope = reader.GetTypeReference(handle).ResolutionScope;
        while (scope.Kind == HandleKind.TypeReference) scope = reader.GetTypeReference((TypeReferenceHandle)scope).ResolutionScope;
        return scope.Kind == HandleKind.AssemblyReference;
    }

    private static ReferencedApi? DescribeMember(MetadataReader reader, DocIdTypeProvider provider, MemberReferenceHandle handle)
    {
        MemberReference member = reader.GetMemberReference(handle);
        string owner;
        switch (member.Parent.Kind)
        {
            case HandleKind.TypeReference:
                if (!IsExternal(reader, (TypeReferenceHandle)member.Parent)) return null;
                owner = provider.TypeReferenceName((TypeReferenceHandle)member.Parent);
                break;
            case HandleKind.TypeSpecification:
                owner = OpenGenericName(reader.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(provider, null));
                break;
            default:
                return null;
        }

        string name = reader.GetString(member.Name);
        if (member.GetKind() == MemberReferenceKind.Field)
        {
            return new ReferencedApi(owner, new[] { "F " + owner + "." + name });
        }

        MethodSignature<string> signature = member.DecodeMethodSignature(provider, null);
        string parameters = signature.ParameterTypes.Length == 0 ? "" : "(" + string.Join(",", signature.ParameterTypes) + ")";
        string arity = signature.GenericParameterCount > 0 ? "``" + signature.GenericParameterCount : "";
        string returns = name is "op_Implicit" or "op_Explicit" ? "~" + signature.ReturnType : "";
        if (name == ".ctor") return new ReferencedApi(owner, new[] { "C " + owner + ".#ctor" + parameters });

        var ids = new List<string> { "M " + owner + "." + name + arity + parameters + returns };
        // Accessors are listed under their property or event.
        if (name.StartsWith("get_", StringComparison.Ordinal))
        {
            ids.Add("P " + owner + "." + name.Substring(4) + parameters);
        }
        else if (name.StartsWith("set_", StringComparison.Ordinal))
        {
            ImmutableArray<string> indexes = signature.ParameterTypes.RemoveAt(signature.ParameterTypes.Length - 1);
            ids.Add("P " + owner + "." + name.Substring(4) + (indexes.Length == 0 ? "" : "(" + string.Join(",", indexes) + ")"));
        }
        else if (name.StartsWith("add_", StringComparison.Ordinal) || name.StartsWith("remove_", StringComparison.Ordinal))
        {
            ids.Add("E " + owner + "." + name.Substring(name.IndexOf('_') + 1));
        }
        return new ReferencedApi(owner, ids.ToArray());
    }

    // "System.Collections.Generic.List{System.Int32}" is a member of "System.Collections.Generic.List`1".
    private static string OpenGenericName(string instantiated)
    {
        int brace = instantiated.IndexOf('{');
        if (brace < 0 || !instantiated.EndsWith('}')) return instantiated;
        int depth = 0;
        int arguments = 1;
        for (int i = brace + 1; i < instantiated.Length - 1; i++)
        {
            char c = instantiated[i];
            if (c == '{') depth++;
            else if (c == '}') depth--;
            else if (c == ',' && depth == 0) arguments++;
        }
        return instantiated.Substring(0, brace) + "`" + arguments;
    }

    /// <summary>Renders signature types the way documentation-comment IDs spell them.</summary>
    private sealed class DocIdTypeProvider : ISignatureTypeProvider<string, object?>
    {
        private readonly MetadataReader _reader;

        public DocIdTypeProvider(MetadataReader reader) => _reader = reader;

        public string TypeReferenceName(TypeReferenceHandle handle)
        {
            TypeReference type = _reader.GetTypeReference(handle);
            string name = _reader.GetString(type.Name);
            if (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                return TypeReferenceName((TypeReferenceHandle)type.ResolutionScope) + "." + name;
            }
            string ns = _reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
        {
            PrimitiveTypeCode.Boolean => "System.Boolean",
            PrimitiveTypeCode.Byte => "System.Byte",
            PrimitiveTypeCode.SByte => "System.SByte",
            PrimitiveTypeCode.Char => "System.Char",
            PrimitiveTypeCode.Int16 => "System.Int16",
            PrimitiveTypeCode.UInt16 => "System.UInt16",
            PrimitiveTypeCode.Int32 => "System.Int32",
            PrimitiveTypeCode.UInt32 => "System.UInt32",
            PrimitiveTypeCode.Int64 => "System.Int64",
            PrimitiveTypeCode.UInt64 => "System.UInt64",
            PrimitiveTypeCode.Single => "System.Single",
            PrimitiveTypeCode.Double => "System.Double",
            PrimitiveTypeCode.IntPtr => "System.IntPtr",
            PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
            PrimitiveTypeCode.Object => "System.Object",
            PrimitiveTypeCode.String => "System.String",
            PrimitiveTypeCode.TypedReference => "System.TypedReference",
            PrimitiveTypeCode.Void => "System.Void",
            _ => "?" + typeCode,
        };

        public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => TypeReferenceName(handle);

        public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            string name = reader.GetString(type.Name);
            TypeDefinitionHandle declaring = type.GetDeclaringType();
            if (!declaring.IsNil) return GetTypeFromDefinition(reader, declaring, rawTypeKind) + "." + name;
            string ns = reader.GetString(type.Namespace);
            return ns.Length == 0 ? name : ns + "." + name;
        }

        public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
            => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

        public string GetSZArrayType(string elementType) => elementType + "[]";

        public string GetArrayType(string elementType, ArrayShape shape)
            => elementType + "[" + string.Join(",", Enumerable.Repeat("0:", shape.Rank)) + "]";

        public string GetByReferenceType(string elementType) => elementType + "@";

        public string GetPointerType(string elementType) => elementType + "*";

        public string GetPinnedType(string elementType) => elementType;

        public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;

        public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
        {
            int tick = genericType.LastIndexOf('`');
            string open = tick < 0 ? genericType : genericType.Substring(0, tick);
            return open + "{" + string.Join(",", typeArguments) + "}";
        }

        public string GetGenericTypeParameter(object? genericContext, int index) => "`" + index;

        public string GetGenericMethodParameter(object? genericContext, int index) => "``" + index;

        public string GetFunctionPointerType(MethodSignature<string> signature) => "=FUNC:" + signature.ReturnType;
    }
}
