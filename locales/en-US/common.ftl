# Messages shared by every command.

error-internal = Something went wrong on our side. Please try again in a moment; if you are in danger, call 17 (police) or 112.
error-invalid-arguments = Some of the values you entered could not be read. Please check them and try again.
error-guild-only = This command only works inside a server.
this-server = this server
