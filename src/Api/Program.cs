Console.WriteLine("haapi: not yet wired");
