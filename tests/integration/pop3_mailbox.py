"""A real POP3 server on 127.0.0.1 holding the mails a test puts in it, so that an incoming
Email Account pulls them through Frappe's own receive path (poplib: USER, PASS, LIST, RETR, DELE)."""

import socket
import socketserver
import threading

USER, PASSWORD = "inbox@windpower.example.com", "pop-secret"


class Mailbox(socketserver.ThreadingTCPServer):
	daemon_threads = True
	allow_reuse_address = True

	def __init__(self):
		self.mails: list[bytes] = []
		self.deleted: set[int] = set()
		with socket.socket() as probe:
			probe.bind(("127.0.0.1", 0))
			self.port = probe.getsockname()[1]
		super().__init__(("127.0.0.1", self.port), Session)

	def __enter__(self):
		threading.Thread(target=self.serve_forever, daemon=True).start()
		return self

	def __exit__(self, *exc):
		self.shutdown()
		self.server_close()

	def put(self, raw: str) -> None:
		self.mails.append(raw.replace("\r\n", "\n").encode())

	def waiting(self) -> list[int]:
		"""Numbers (1-based) of the mails not yet deleted by a client."""
		return [n for n in range(1, len(self.mails) + 1) if n not in self.deleted]


class Session(socketserver.StreamRequestHandler):
	def reply(self, line: str) -> None:
		self.wfile.write(line.encode() + b"\r\n")

	def handle(self):
		box: Mailbox = self.server
		self.reply("+OK POP3 test mailbox ready")
		user = None
		for raw in self.rfile:
			command, _, argument = raw.decode().strip().partition(" ")
			command = command.upper()
			if command == "USER":
				user = argument
				self.reply("+OK")
			elif command == "PASS":
				self.reply("+OK logged in" if (user, argument) == (USER, PASSWORD) else "-ERR invalid login")
			elif command == "STAT":
				waiting = box.waiting()
				self.reply(f"+OK {len(waiting)} {sum(len(box.mails[n - 1]) for n in waiting)}")
			elif command == "LIST":
				self.reply("+OK")
				for n in box.waiting():
					self.reply(f"{n} {len(box.mails[n - 1])}")
				self.reply(".")
			elif command in ("RETR", "TOP"):
				n = int(argument.split()[0])
				self.reply("+OK")
				for line in box.mails[n - 1].split(b"\n"):
					self.wfile.write((b"." + line if line.startswith(b".") else line) + b"\r\n")
				self.reply(".")
			elif command == "DELE":
				box.deleted.add(int(argument))
				self.reply("+OK")
			elif command == "QUIT":
				self.reply("+OK bye")
				return
			else:
				self.reply("+OK" if command in ("NOOP", "RSET") else "-ERR unknown command")
