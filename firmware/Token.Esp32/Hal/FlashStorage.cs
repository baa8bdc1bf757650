using System.IO;
using ProvenanceDevice.Token.Hal;

namespace ProvenanceDevice.Token.Esp32.Hal
{
    /// <summary>
    /// Records as files in the ESP32's internal flash file system (drive I:). A record is written to
    /// "name.new", then replaces "name"; a read that finds only "name.new" (power cut between the two
    /// steps) uses it, since it was complete before the old one was removed.
    /// </summary>
    public sealed class FlashStorage : IStorage
    {
        private readonly string _folder;

        public FlashStorage(string folder)
        {
            _folder = folder;
            if (!Directory.Exists(_folder)) Directory.CreateDirectory(_folder);
        }

        public byte[] Read(string name)
        {
            string path = PathOf(name);
            if (File.Exists(path)) return File.ReadAllBytes(path);
            string pending = path + ".new";
            if (File.Exists(pending)) return File.ReadAllBytes(pending);
            return null;
        }

        public void Write(string name, byte[] data)
        {
            string path = PathOf(name);
            string pending = path + ".new";
            using (FileStream stream = new FileStream(pending, FileMode.Create, FileAccess.Write))
            {
                stream.Write(data, 0, data.Length);
                stream.Flush();
            }
            if (File.Exists(path)) File.Delete(path);
            File.Move(pending, path);
        }

        public void Delete(string name)
        {
            string path = PathOf(name);
            if (File.Exists(path)) File.Delete(path);
            if (File.Exists(path + ".new")) File.Delete(path + ".new");
        }

        private string PathOf(string name)
        {
            return _folder + "\\" + name;
        }
    }
}
