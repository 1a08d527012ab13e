// An SFTP server for the Treserva connector's tests: Apache MINA SSHD with its SFTP subsystem,
// bound to 127.0.0.1 only, one user with a password, the given folder as the root, no shell and
// no commands. (sshd-cli's SshServerMain binds every interface, accepts any public key and runs
// a shell, so the tests start the same server this way instead.) Prints "LISTENING <port>".
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

public class LoopbackSshd {
    public static void main(String[] args) throws Exception {
        Path root = Paths.get(args[0]);
        String user = args[1];
        String password = args[2];
        Path hostKey = Paths.get(args[3]);
        int port = args.length > 4 ? Integer.parseInt(args[4]) : 0;

        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(port);
        sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(hostKey));
        sshd.setPasswordAuthenticator((u, p, session) -> user.equals(u) && password.equals(p));
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        System.out.println("LISTENING " + sshd.getPort());
        System.out.flush();
        Thread.currentThread().join();
    }
}
