using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using System.Threading;
using Provenance.IO;
using ProvenanceDevice.Token;
using ProvenanceDevice.Token.Crypto;
using ProvenanceDevice.Token.Emulator;
using ProvenanceDevice.Token.Hal;

namespace Provenance.Device;

/// <summary>
/// The software token run inside this process when no hardware token is attached (development mode): the same
/// token core as the firmware, its records in <see cref="ProvPaths.EmbeddedTokenState"/>, a button that presses
/// itself, reached through an in-memory pipe so the same <see cref="TokenClient"/> code path is used. Its key is a
/// software key: not hardware-protected, and every caller says so.
/// </summary>
public static class EmbeddedToken
{
    /// <summary>How the embedded token names itself as an endpoint.</summary>
    public const string EndpointName = "embedded software token (development mode, not hardware-protected)";

    /// <summary>Board name it reports in INFO.</summary>
    public const string Board = "embedded";

    /// <summary>Prefix of its serial numbers.</summary>
    public const string SerialPrefix = "SW-";

    /// <summary>How long to wait for another prov process that is using the same embedded token.</summary>
    public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The environment variable holding the passphrase that encrypts the embedded token's key at rest. When it is not
    /// set, only the key file's mode (0600, in 0700 folders) protects the key.
    /// </summary>
    public const string PassphraseVariable = "PROV_TOKEN_PASSPHRASE";

    /// <summary>The key record's file, under the state folder (the token core's record "softkey").</summary>
    public static readonly string KeyFile = Path.Combine("records", KeyRecord + ".rec");

    private const string KeyRecord = "softkey";

    /// <summary>
    /// Starts the embedded token on <paramref name="stateFolder"/> (default <see cref="ProvPaths.EmbeddedTokenState"/>).
    /// It generates its key on first use. Only one process uses a state folder at a time; others wait their turn.
    /// </summary>
    public static TokenClient Open(string? stateFolder = null, TokenClientOptions? options = null)
    {
        string folder = stateFolder ?? ProvPaths.EmbeddedTokenState;
        KeyFiles.CreatePrivateFolder(folder);
        FileStream exclusive = TakeLock(Path.Combine(folder, "in-use.lock"));
        try
        {
            string records = Path.Combine(folder, "records");
            KeyFiles.CreatePrivateFolder(records);
            // A key record's temp copy left by a killed prov is a stale copy of the key: gone with its writer.
            TempFiles.RemoveAbandoned(records);
            var storage = new KeyAtRestStorage(new FileStorage(records), Path.Combine(folder, KeyFile), Passphrase());
            var entropy = new OsEntropy();
            var hardware = new TokenHardware
            {
                Storage = storage,
                Button = new SimulatedButton(autoPress: true),
                Led = new SilentLed(),
                Clock = new SystemClock(),
                Entropy = entropy,
                Key = new SoftwareKey(storage, entropy),
                Board = Board,
                Serial = EmulatorSerial.LoadOrCreate(folder, SerialPrefix),
                FirmwareVersion = EmulatedToken.CoreVersion + "-" + Board,
            };
            var core = new TokenCore(hardware);
            var pipe = new InMemoryTransport(EndpointName, (bytes, sink) => core.Receive(bytes, 0, bytes.Length, sink));
            return new TokenClient(new OwningTransport(pipe, exclusive), options)
            {
                IsEmbedded = true,
                GenerateKeyOnFirstUse = true,
            };
        }
        catch
        {
            exclusive.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What protects the embedded token's key on disk, for `prov device info`: "passphrase" (encrypted with
    /// <see cref="PassphraseVariable"/>), "fileModeOnly" (readable by its owner only, not encrypted), or null when it
    /// has no key file yet.
    /// </summary>
    public static (string Code, string Words)? KeyAtRest(string? stateFolder = null)
    {
        string path = Path.Combine(stateFolder ?? ProvPaths.EmbeddedTokenState, KeyFile);
        if (!File.Exists(path)) return null;
        byte[] start = new byte[16];
        int read;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            read = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        }
        return PassphraseSeal.IsSealed(start.AsSpan(0, read))
            ? ("passphrase", "encrypted at rest with the passphrase in " + PassphraseVariable + " (AES-256-GCM, PBKDF2-SHA256), file " + path)
            : ("fileModeOnly", "not encrypted: only its file permissions (owner-only) protect it; set " + PassphraseVariable + " to encrypt it, file " + path);
    }

    private static string? Passphrase()
    {
        string? passphrase = Environment.GetEnvironmentVariable(PassphraseVariable);
        return string.IsNullOrEmpty(passphrase) ? null : passphrase;
    }

    private static FileStream TakeLock(string path)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < LockWait)
            {
                Thread.Sleep(100);
            }
            catch (IOException e)
            {
                throw new TokenUnavailableException("the embedded software token is in use by another prov process (" + path + ")", e);
            }
        }
    }

    /// <summary>
    /// The token's storage with its key record protected at rest: refused when other users can read it (as ssh refuses
    /// a key file), encrypted with the passphrase when one is set, and an unencrypted key written by an earlier prov
    /// migrated in place (atomically) the first time a passphrase is given. Other records pass through unchanged.
    /// </summary>
    private sealed class KeyAtRestStorage : IStorage
    {
        private readonly IStorage _inner;
        private readonly string _keyPath;
        private readonly string? _passphrase;

        // The last record unsealed, so the key is derived from the passphrase once per process, not once per read.
        private byte[]? _sealedSeen;
        private byte[]? _plainSeen;

        public KeyAtRestStorage(IStorage inner, string keyPath, string? passphrase)
        {
            _inner = inner;
            _keyPath = keyPath;
            _passphrase = passphrase;
            PrepareKeyFile();
        }

        public byte[]? Read(string name)
        {
            byte[]? stored = _inner.Read(name);
            if (name != KeyRecord || stored is null || !PassphraseSeal.IsSealed(stored)) return stored;
            return Unseal(stored);
        }

        public void Write(string name, byte[] data)
        {
            if (name != KeyRecord)
            {
                _inner.Write(name, data);
                return;
            }
            // Atomic (temp, flush, rename) and owner-only: a torn key record would lose the artist's key.
            byte[] stored = _passphrase is null ? data : PassphraseSeal.Seal(data, _passphrase, KeyRecord);
            AtomicFile.Write(_keyPath, stored, overwrite: true, ownerOnly: true);
        }

        public void Delete(string name) => _inner.Delete(name);

        private void PrepareKeyFile()
        {
            if (!File.Exists(_keyPath)) return;
            KeyFiles.EnsurePrivate(_keyPath);
            byte[] stored = File.ReadAllBytes(_keyPath);
            try
            {
                if (PassphraseSeal.IsSealed(stored))
                {
                    CryptographicOperations.ZeroMemory(Unseal(stored));
                }
                else if (_passphrase is not null)
                {
                    // A key written before it could be encrypted (or while no passphrase was set): encrypt it in place.
                    AtomicFile.Write(_keyPath, PassphraseSeal.Seal(stored, _passphrase, KeyRecord), overwrite: true, ownerOnly: true);
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(stored);
            }
        }

        private byte[] Unseal(byte[] stored)
        {
            if (_passphrase is null)
                throw new TokenUnavailableException("the embedded token's key " + _keyPath + " is encrypted; set " + PassphraseVariable + " to its passphrase");
            if (_sealedSeen is not null && _plainSeen is not null && stored.AsSpan().SequenceEqual(_sealedSeen)) return (byte[])_plainSeen.Clone();
            try
            {
                byte[] plain = PassphraseSeal.Open(stored, _passphrase, KeyRecord);
                _sealedSeen = (byte[])stored.Clone();
                _plainSeen = (byte[])plain.Clone();
                return plain;
            }
            catch (CryptographicException)
            {
                throw new TokenUnavailableException("wrong " + PassphraseVariable + " for the embedded token's key " + _keyPath + " (or the file was changed)");
            }
        }
    }

    /// <summary>Nobody sees an in-process token's light.</summary>
    private sealed class SilentLed : IStatusLed
    {
        public void Show(int state)
        {
        }
    }

    /// <summary>The pipe plus the state folder's lock, released together.</summary>
    private sealed class OwningTransport(ITokenTransport inner, IDisposable exclusive) : ITokenTransport
    {
        public string Endpoint => inner.Endpoint;

        public void Write(byte[] data, int offset, int count) => inner.Write(data, offset, count);

        public int Read(byte[] buffer, int offset, int count, int timeoutMs) => inner.Read(buffer, offset, count, timeoutMs);

        public void DiscardInput() => inner.DiscardInput();

        public void Dispose()
        {
            inner.Dispose();
            exclusive.Dispose();
        }
    }
}
