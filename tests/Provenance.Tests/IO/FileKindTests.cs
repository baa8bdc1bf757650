using System;
using System.Diagnostics;
using System.IO;
using Provenance.IO;
using Provenance.Tests.TestSupport;

namespace Provenance.Tests.IO;

/// <summary>File kinds are told apart without opening anything.</summary>
public sealed class FileKindTests
{
    [Fact]
    public void TellsRegularFilesFoldersAndMissingPathsApart()
    {
        using TempFolder folder = TestAssets.NewFolder();
        string file = Path.Combine(folder.Path, "a.jpg");
        File.WriteAllBytes(file, [1, 2, 3]);

        Assert.Equal(FileKindName.Regular, FileKind.Of(file));
        Assert.Equal(FileKindName.Folder, FileKind.Of(folder.Path));
        Assert.Equal(FileKindName.Missing, FileKind.Of(Path.Combine(folder.Path, "none.jpg")));
        Assert.Equal("is a folder", FileKind.Problem(folder.Path));
        Assert.Null(FileKind.Problem(file));
    }

    [Fact]
    public void FifosAndDevicesAreNotRegularFiles()
    {
        if (OperatingSystem.IsWindows()) return;
        using TempFolder folder = TestAssets.NewFolder();
        string fifo = Path.Combine(folder.Path, "pipe.png");
        using (Process mkfifo = Process.Start("mkfifo", fifo)) mkfifo.WaitForExit();

        Assert.Equal(FileKindName.Fifo, FileKind.Of(fifo));
        Assert.Equal(FileKindName.CharacterDevice, FileKind.Of("/dev/null"));
        NotARegularFileException refused = Assert.Throws<NotARegularFileException>(() => FileKind.RequireRegularFile(fifo));
        Assert.Equal(fifo + " is not a regular file (a named pipe, FIFO)", refused.Message);
    }
}
