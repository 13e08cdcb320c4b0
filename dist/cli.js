#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 3313:
/***/ ((module) => {

module.exports = Pend;

function Pend() {
  this.pending = 0;
  this.max = Infinity;
  this.listeners = [];
  this.waiting = [];
  this.error = null;
}

Pend.prototype.go = function(fn) {
  if (this.pending < this.max) {
    pendGo(this, fn);
  } else {
    this.waiting.push(fn);
  }
};

Pend.prototype.wait = function(cb) {
  if (this.pending === 0) {
    cb(this.error);
  } else {
    this.listeners.push(cb);
  }
};

Pend.prototype.hold = function() {
  return pendHold(this);
};

function pendHold(self) {
  self.pending += 1;
  var called = false;
  return onCb;
  function onCb(err) {
    if (called) throw new Error("callback called twice");
    called = true;
    self.error = self.error || err;
    self.pending -= 1;
    if (self.waiting.length > 0 && self.pending < self.max) {
      pendGo(self, self.waiting.shift());
    } else if (self.pending === 0) {
      var listeners = self.listeners;
      self.listeners = [];
      listeners.forEach(cbListener);
    }
  }
  function cbListener(listener) {
    listener(self.error);
  }
}

function pendGo(self, fn) {
  fn(pendHold(self));
}


/***/ }),

/***/ 4248:
/***/ ((module) => {

// Adapted from https://github.com/brianloveswords/buffer-crc32/blob/v0.2.13/index.js
const CRC_TABLE = new Int32Array([
  0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
  0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988, 0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91,
  0x1db71064, 0x6ab020f2, 0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
  0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9, 0xfa0f3d63, 0x8d080df5,
  0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172, 0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b,
  0x35b5a8fa, 0x42b2986c, 0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
  0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423, 0xcfba9599, 0xb8bda50f,
  0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924, 0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d,
  0x76dc4190, 0x01db7106, 0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
  0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d, 0x91646c97, 0xe6635c01,
  0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e, 0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457,
  0x65b0d9c6, 0x12b7e950, 0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
  0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7, 0xa4d1c46d, 0xd3d6f4fb,
  0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0, 0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9,
  0x5005713c, 0x270241aa, 0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
  0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81, 0xb7bd5c3b, 0xc0ba6cad,
  0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a, 0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683,
  0xe3630b12, 0x94643b84, 0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
  0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb, 0x196c3671, 0x6e6b06e7,
  0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc, 0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5,
  0xd6d6a3e8, 0xa1d1937e, 0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
  0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55, 0x316e8eef, 0x4669be79,
  0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236, 0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f,
  0xc5ba3bbe, 0xb2bd0b28, 0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
  0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f, 0x72076785, 0x05005713,
  0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38, 0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21,
  0x86d3d2d4, 0xf1d4e242, 0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
  0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69, 0x616bffd3, 0x166ccf45,
  0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2, 0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db,
  0xaed16a4a, 0xd9d65adc, 0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
  0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693, 0x54de5729, 0x23d967bf,
  0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94, 0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
]);

function crc32(buf) {
  let crc = -1;
  for (let x of buf) {
    crc = CRC_TABLE[(crc ^ x) & 0xff] ^ (crc >>> 8);
  }
  return (crc ^ -1) >>> 0;
}

module.exports = crc32;


/***/ }),

/***/ 3502:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

// This was adapted from https://github.com/andrewrk/node-fd-slicer by Andrew Kelley under the MIT License.
var fs = __nccwpck_require__(9896);
var util = __nccwpck_require__(9023);
var stream = __nccwpck_require__(2203);
var Readable = stream.Readable;
var PassThrough = stream.PassThrough;
var Pend = __nccwpck_require__(3313);
var EventEmitter = (__nccwpck_require__(4434).EventEmitter);

exports.BufferSlicer = BufferSlicer;
exports.FdSlicer = FdSlicer;

util.inherits(FdSlicer, EventEmitter);
function FdSlicer(fd) {
  EventEmitter.call(this);

  this.fd = fd;
  this.pend = new Pend();
  this.pend.max = 1;
  this.refCount = 0;
}

FdSlicer.prototype.read = function(buffer, offset, length, position, callback) {
  var self = this;
  self.pend.go(function(cb) {
    fs.read(self.fd, buffer, offset, length, position, function(err, bytesRead, buffer) {
      cb();
      callback(err, bytesRead, buffer);
    });
  });
};

FdSlicer.prototype.createReadStream = function(options) {
  return new ReadStream(this, options);
};

FdSlicer.prototype.ref = function() {
  this.refCount += 1;
};

FdSlicer.prototype.unref = function() {
  var self = this;
  self.refCount -= 1;
  if (self.refCount < 0) throw new Error("invalid unref");
  if (self.refCount > 0) return;

  fs.close(self.fd, onCloseDone);

  function onCloseDone(err) {
    if (err) {
      self.emit('error', err);
    } else {
      self.emit('close');
    }
  }
};

util.inherits(ReadStream, Readable);
function ReadStream(context, options) {
  options = options || {};
  Readable.call(this, options);

  this.context = context;
  this.context.ref();

  this.start = options.start || 0;
  this.endOffset = options.end;
  this.pos = this.start;
}

ReadStream.prototype._read = function(n) {
  var self = this;

  var toRead = Math.min(self._readableState.highWaterMark, n);
  if (self.endOffset != null) {
    toRead = Math.min(toRead, self.endOffset - self.pos);
  }
  if (toRead <= 0) {
    self.push(null);
    this._cleanup();
    return;
  }
  self.context.pend.go(function(cb) {
    var buffer = Buffer.allocUnsafe(toRead);
    fs.read(self.context.fd, buffer, 0, toRead, self.pos, function(err, bytesRead) {
      if (err) {
        self.destroy(err);
      } else if (bytesRead === 0) {
        self.push(null);
        self._cleanup();
      } else {
        self.pos += bytesRead;
        self.push(buffer.slice(0, bytesRead));
      }
      cb();
    });
  });
};

ReadStream.prototype._destroy = function(err, cb) {
  // Node 14+ calls this automatically at EOF.
  this._cleanup();
  cb(err);
};

ReadStream.prototype._cleanup = function() {
  if (this.context != null) {
    this.context.unref();
    this.context = null;
  }
};

util.inherits(BufferSlicer, EventEmitter);
function BufferSlicer(buffer) {
  EventEmitter.call(this);

  this.refCount = 0;
  this.buffer = buffer;
}

BufferSlicer.prototype.read = function(buffer, offset, length, position, callback) {
  if (!(0 <= offset && offset <= buffer.length)) throw new RangeError("offset outside buffer: 0 <= " + offset + " <= " + buffer.length);
  if (position < 0) throw new RangeError("position is negative: " + position);
  if (offset + length > buffer.length) {
    // The caller's buffer can't hold all the bytes they're trying to read.
    // Clamp the length instead of giving an error.
    // The callback will be informed of fewer than expected bytes written.
    length = buffer.length - offset;
  }
  if (position + length > this.buffer.length) {
    // Clamp any attempt to read past the end of the source buffer.
    length = this.buffer.length - position;
  }
  if (length <= 0) {
    // After any clamping, we're fully out of bounds or otherwise have nothing to do.
    // This isn't an error; it's just zero bytes written.
    setImmediate(function() {
      callback(null, 0);
    });
    return;
  }
  this.buffer.copy(buffer, offset, position, position + length);
  setImmediate(function() {
    callback(null, length);
  });
};

BufferSlicer.prototype.createReadStream = function(options) {
  options = options || {};
  var readStream = new PassThrough(options);
  readStream.start = options.start || 0;
  readStream.endOffset = options.end;
  // by the time this function returns, we'll be done.
  readStream.pos = readStream.endOffset || this.buffer.length;

  var entireSlice = this.buffer.slice(readStream.start, readStream.pos);
  // Cut the buffer into smaller slices for better memory usage when streaming into a zlib inflate stream.
  // See https://github.com/thejoshwolfe/yauzl/issues/87
  var maxChunkSize = 0x10000;
  var offset = 0;
  while (true) {
    var nextOffset = offset + maxChunkSize;
    if (nextOffset >= entireSlice.length) {
      // last chunk
      if (offset < entireSlice.length) {
        readStream.write(entireSlice.slice(offset, entireSlice.length));
      }
      break;
    }
    readStream.write(entireSlice.slice(offset, nextOffset));
    offset = nextOffset;
  }

  readStream.end();
  return readStream;
};

BufferSlicer.prototype.ref = function() {
  this.refCount += 1;
};

BufferSlicer.prototype.unref = function() {
  this.refCount -= 1;

  if (this.refCount < 0) {
    throw new Error("invalid unref");
  }
};


/***/ }),

/***/ 663:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var fs = __nccwpck_require__(9896);
var zlib = __nccwpck_require__(3106);
var fd_slicer = __nccwpck_require__(3502);
var util = __nccwpck_require__(9023);
var EventEmitter = (__nccwpck_require__(4434).EventEmitter);
var Transform = (__nccwpck_require__(2203).Transform);
var PassThrough = (__nccwpck_require__(2203).PassThrough);
var Writable = (__nccwpck_require__(2203).Writable);

// Node 20 added zlib.crc32.
const crc32 = typeof zlib.crc32 === "function" ? zlib.crc32 : __nccwpck_require__(4248);

exports.open = open;
exports.fromFd = fromFd;
exports.fromBuffer = fromBuffer;
exports.fromRandomAccessReader = fromRandomAccessReader;
exports.openPromise = openPromise;
exports.fromFdPromise = fromFdPromise;
exports.fromBufferPromise = fromBufferPromise;
exports.fromRandomAccessReaderPromise = fromRandomAccessReaderPromise;

exports.dosDateTimeToDate = dosDateTimeToDate;
exports.getFileNameLowLevel = getFileNameLowLevel;
exports.validateFileName = validateFileName;
exports.parseExtraFields = parseExtraFields;
exports.ZipFile = ZipFile;
exports.Entry = Entry;
exports.LocalFileHeader = LocalFileHeader;
exports.RandomAccessReader = RandomAccessReader;

function openPromise(path, options) {
  return new Promise((resolve, reject) => {
    open(path, {...options, lazyEntries: true}, function(err, zipfile) {
      if (err) return reject(err);
      resolve(zipfile);
    });
  });
}
function fromFdPromise(fd, options) {
  return new Promise((resolve, reject) => {
    fromFd(fd, {...options, lazyEntries: true}, function(err, zipfile) {
      if (err) return reject(err);
      resolve(zipfile);
    });
  });
}
function fromBufferPromise(buffer, options) {
  return new Promise((resolve, reject) => {
    fromBuffer(buffer, {...options, lazyEntries: true}, function(err, zipfile) {
      if (err) return reject(err);
      resolve(zipfile);
    });
  });
}
function fromRandomAccessReaderPromise(reader, totalSize, options) {
  return new Promise((resolve, reject) => {
    fromRandomAccessReader(reader, totalSize, {...options, lazyEntries: true}, function(err, zipfile) {
      if (err) return reject(err);
      resolve(zipfile);
    });
  });
}

function open(path, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = null;
  }
  if (options == null) options = {};
  if (options.autoClose == null) options.autoClose = true;
  if (options.lazyEntries == null) options.lazyEntries = false;
  if (options.decodeStrings == null) options.decodeStrings = true;
  if (options.validateEntrySizes == null) options.validateEntrySizes = true;
  if (options.strictFileNames == null) options.strictFileNames = false;
  if (callback == null) callback = defaultCallback;
  fs.open(path, "r", function(err, fd) {
    if (err) return callback(err);
    fromFd(fd, options, function(err, zipfile) {
      if (err) fs.close(fd, defaultCallback);
      callback(err, zipfile);
    });
  });
}

function fromFd(fd, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = null;
  }
  if (options == null) options = {};
  if (options.autoClose == null) options.autoClose = false;
  if (options.lazyEntries == null) options.lazyEntries = false;
  if (options.decodeStrings == null) options.decodeStrings = true;
  if (options.validateEntrySizes == null) options.validateEntrySizes = true;
  if (options.strictFileNames == null) options.strictFileNames = false;
  if (callback == null) callback = defaultCallback;
  fs.fstat(fd, function(err, stats) {
    if (err) return callback(err);
    var reader = new fd_slicer.FdSlicer(fd);
    fromRandomAccessReader(reader, stats.size, options, callback);
  });
}

function fromBuffer(buffer, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = null;
  }
  if (options == null) options = {};
  options.autoClose = false;
  if (options.lazyEntries == null) options.lazyEntries = false;
  if (options.decodeStrings == null) options.decodeStrings = true;
  if (options.validateEntrySizes == null) options.validateEntrySizes = true;
  if (options.strictFileNames == null) options.strictFileNames = false;
  var reader = new fd_slicer.BufferSlicer(buffer);
  fromRandomAccessReader(reader, buffer.length, options, callback);
}

function fromRandomAccessReader(reader, totalSize, options, callback) {
  if (typeof options === "function") {
    callback = options;
    options = null;
  }
  if (options == null) options = {};
  if (options.autoClose == null) options.autoClose = true;
  if (options.lazyEntries == null) options.lazyEntries = false;
  if (options.decodeStrings == null) options.decodeStrings = true;
  var decodeStrings = !!options.decodeStrings;
  if (options.validateEntrySizes == null) options.validateEntrySizes = true;
  if (options.strictFileNames == null) options.strictFileNames = false;
  if (callback == null) callback = defaultCallback;
  if (typeof totalSize !== "number") throw new Error("expected totalSize parameter to be a number");
  if (totalSize > Number.MAX_SAFE_INTEGER) {
    throw new Error("zip file too large. only file sizes up to 2^52 are supported due to JavaScript's Number type being an IEEE 754 double.");
  }

  // the matching unref() call is in zipfile.close()
  reader.ref();

  // eocdr means End of Central Directory Record.
  // search backwards for the eocdr signature.
  // the last field of the eocdr is a variable-length comment.
  // the comment size is encoded in a 2-byte field in the eocdr, which we can't find without trudging backwards through the comment to find it.
  // as a consequence of this design decision, it's possible to have ambiguous zip file metadata if a coherent eocdr was in the comment.
  // we search backwards for a eocdr signature, and hope that whoever made the zip file was smart enough to forbid the eocdr signature in the comment.
  var eocdrWithoutCommentSize = 22;
  var zip64EocdlSize = 20; // Zip64 end of central directory locator
  var maxCommentSize = 0xffff; // 2-byte size
  var bufferSize = Math.min(zip64EocdlSize + eocdrWithoutCommentSize + maxCommentSize, totalSize);
  var buffer = newBuffer(bufferSize);
  var bufferReadStart = totalSize - buffer.length;
  readAndAssertNoEof(reader, buffer, 0, bufferSize, bufferReadStart, function(err) {
    if (err) return callback(err);
    for (var i = bufferSize - eocdrWithoutCommentSize; i >= 0; i -= 1) {
      if (buffer.readUInt32LE(i) !== 0x06054b50) continue;
      // found eocdr
      var eocdrBuffer = buffer.subarray(i);

      // 0 - End of central directory signature = 0x06054b50
      // 4 - Number of this disk
      var diskNumber = eocdrBuffer.readUInt16LE(4);
      // 6 - Disk where central directory starts
      // 8 - Number of central directory records on this disk
      // 10 - Total number of central directory records
      var entryCount = eocdrBuffer.readUInt16LE(10);
      // 12 - Size of central directory (bytes)
      // 16 - Offset of start of central directory, relative to start of archive
      var centralDirectoryOffset = eocdrBuffer.readUInt32LE(16);
      // 20 - Comment length
      var commentLength = eocdrBuffer.readUInt16LE(20);
      var expectedCommentLength = eocdrBuffer.length - eocdrWithoutCommentSize;
      if (commentLength !== expectedCommentLength) {
        return callback(new Error("Invalid comment length. Expected: " + expectedCommentLength + ". Found: " + commentLength + ". Are there extra bytes at the end of the file? Or is the end of central dir signature `PK☺☻` in the comment?"));
      }
      // 22 - Comment
      // the encoding is always cp437.
      var comment = decodeStrings ? decodeBuffer(eocdrBuffer.subarray(22), false)
                                  : eocdrBuffer.subarray(22);

      // Look for a Zip64 end of central directory locator
      if (i - zip64EocdlSize >= 0 && buffer.readUInt32LE(i - zip64EocdlSize) === 0x07064b50) {
        // ZIP64 format
        var zip64EocdlBuffer = buffer.subarray(i - zip64EocdlSize, i - zip64EocdlSize + zip64EocdlSize);
        // 0 - zip64 end of central dir locator signature = 0x07064b50
        // 4 - number of the disk with the start of the zip64 end of central directory
        // 8 - relative offset of the zip64 end of central directory record
        var zip64EocdrOffset = readUInt64LE(zip64EocdlBuffer, 8);
        // 16 - total number of disks

        // ZIP64 end of central directory record
        var zip64EocdrBuffer = newBuffer(56);
        return readAndAssertNoEof(reader, zip64EocdrBuffer, 0, zip64EocdrBuffer.length, zip64EocdrOffset, function(err) {
          if (err) return callback(err);

          // 0 - zip64 end of central dir signature                           4 bytes  (0x06064b50)
          if (zip64EocdrBuffer.readUInt32LE(0) !== 0x06064b50) {
            return callback(new Error("invalid zip64 end of central directory record signature"));
          }
          // 4 - size of zip64 end of central directory record                8 bytes
          // 12 - version made by                                             2 bytes
          // 14 - version needed to extract                                   2 bytes
          // 16 - number of this disk                                         4 bytes
          diskNumber = zip64EocdrBuffer.readUInt32LE(16);
          if (diskNumber !== 0) {
            // Check this only after zip64 overrides. See #118.
            return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
          }
          // 20 - number of the disk with the start of the central directory  4 bytes
          // 24 - total number of entries in the central directory on this disk         8 bytes
          // 32 - total number of entries in the central directory            8 bytes
          entryCount = readUInt64LE(zip64EocdrBuffer, 32);
          // 40 - size of the central directory                               8 bytes
          // 48 - offset of start of central directory with respect to the starting disk number     8 bytes
          centralDirectoryOffset = readUInt64LE(zip64EocdrBuffer, 48);
          // 56 - zip64 extensible data sector                                (variable size)
          return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options.autoClose, options.lazyEntries, decodeStrings, options.validateEntrySizes, options.strictFileNames));
        });
      }

      // Not ZIP64 format
      if (diskNumber !== 0) {
        return callback(new Error("multi-disk zip files are not supported: found disk number: " + diskNumber));
      }
      return callback(null, new ZipFile(reader, centralDirectoryOffset, totalSize, entryCount, comment, options.autoClose, options.lazyEntries, decodeStrings, options.validateEntrySizes, options.strictFileNames));

    }

    // Not a zip file.
    callback(new Error("End of central directory record signature not found. Either not a zip file, or file is truncated."));
  });
}

util.inherits(ZipFile, EventEmitter);
function ZipFile(reader, centralDirectoryOffset, fileSize, entryCount, comment, autoClose, lazyEntries, decodeStrings, validateEntrySizes, strictFileNames) {
  var self = this;
  EventEmitter.call(self);
  self.reader = reader;
  // forward close events
  self.reader.on("error", function(err) {
    // error closing the fd
    emitError(self, err);
  });
  self.reader.once("close", function() {
    self.emit("close");
  });
  self.readEntryCursor = centralDirectoryOffset;
  self.fileSize = fileSize;
  self.entryCount = entryCount;
  self.comment = comment;
  self.entriesRead = 0;
  self.autoClose = !!autoClose;
  self.lazyEntries = !!lazyEntries;
  self.decodeStrings = !!decodeStrings;
  self.validateEntrySizes = !!validateEntrySizes;
  self.strictFileNames = !!strictFileNames;
  self.isOpen = true;
  self.emittedError = false;
  self.hasEachEntryBeenCalled = false;

  if (!self.lazyEntries) self._readEntry();
}
ZipFile.prototype.close = function() {
  if (!this.isOpen) return;
  this.isOpen = false;
  this.reader.unref();
};

function emitErrorAndAutoClose(self, err) {
  if (self.autoClose) self.close();
  emitError(self, err);
}
function emitError(self, err) {
  if (self.emittedError) return;
  self.emittedError = true;
  self.emit("error", err);
}

ZipFile.prototype.readEntry = function() {
  if (!this.lazyEntries) throw new Error("readEntry() called without lazyEntries:true");
  this._readEntry();
};
ZipFile.prototype._readEntry = function() {
  var self = this;
  if (self.entryCount === self.entriesRead) {
    // done with metadata
    setImmediate(function() {
      if (self.autoClose) self.close();
      if (self.emittedError) return;
      self.emit("end");
    });
    return;
  }
  if (self.emittedError) return;
  var buffer = newBuffer(46);
  readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
    if (err) return emitErrorAndAutoClose(self, err);
    if (self.emittedError) return;
    var entry = new Entry();
    // 0 - Central directory file header signature
    var signature = buffer.readUInt32LE(0);
    if (signature !== 0x02014b50) return emitErrorAndAutoClose(self, new Error("invalid central directory file header signature: 0x" + signature.toString(16)));
    // 4 - Version made by
    entry.versionMadeBy = buffer.readUInt16LE(4);
    // 6 - Version needed to extract (minimum)
    entry.versionNeededToExtract = buffer.readUInt16LE(6);
    // 8 - General purpose bit flag
    entry.generalPurposeBitFlag = buffer.readUInt16LE(8);
    // 10 - Compression method
    entry.compressionMethod = buffer.readUInt16LE(10);
    // 12 - File last modification time
    entry.lastModFileTime = buffer.readUInt16LE(12);
    // 14 - File last modification date
    entry.lastModFileDate = buffer.readUInt16LE(14);
    // 16 - CRC-32
    entry.crc32 = buffer.readUInt32LE(16);
    // 20 - Compressed size
    entry.compressedSize = buffer.readUInt32LE(20);
    // 24 - Uncompressed size
    entry.uncompressedSize = buffer.readUInt32LE(24);
    // 28 - File name length (n)
    entry.fileNameLength = buffer.readUInt16LE(28);
    // 30 - Extra field length (m)
    entry.extraFieldLength = buffer.readUInt16LE(30);
    // 32 - File comment length (k)
    entry.fileCommentLength = buffer.readUInt16LE(32);
    // 34 - Disk number where file starts
    // 36 - Internal file attributes
    entry.internalFileAttributes = buffer.readUInt16LE(36);
    // 38 - External file attributes
    entry.externalFileAttributes = buffer.readUInt32LE(38);
    // 42 - Relative offset of local file header
    entry.relativeOffsetOfLocalHeader = buffer.readUInt32LE(42);

    if (entry.generalPurposeBitFlag & 0x40) return emitErrorAndAutoClose(self, new Error("strong encryption is not supported"));

    self.readEntryCursor += 46;

    buffer = newBuffer(entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength);
    readAndAssertNoEof(self.reader, buffer, 0, buffer.length, self.readEntryCursor, function(err) {
      if (err) return emitErrorAndAutoClose(self, err);
      if (self.emittedError) return;
      // 46 - File name
      entry.fileNameRaw = buffer.subarray(0, entry.fileNameLength);
      // 46+n - Extra field
      var fileCommentStart = entry.fileNameLength + entry.extraFieldLength;
      entry.extraFieldRaw = buffer.subarray(entry.fileNameLength, fileCommentStart);
      // 46+n+m - File comment
      entry.fileCommentRaw = buffer.subarray(fileCommentStart, fileCommentStart + entry.fileCommentLength);

      // Parse the extra fields, which we need for processing other fields.
      try {
        entry.extraFields = parseExtraFields(entry.extraFieldRaw);
      } catch (err) {
        return emitErrorAndAutoClose(self, err);
      }

      // Interpret strings according to bit flags, extra fields, and options.
      if (self.decodeStrings) {
        var isUtf8 = (entry.generalPurposeBitFlag & 0x800) !== 0;
        entry.fileComment = decodeBuffer(entry.fileCommentRaw, isUtf8);
        entry.fileName = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, self.strictFileNames);
        var errorMessage = validateFileName(entry.fileName);
        if (errorMessage != null) return emitErrorAndAutoClose(self, new Error(errorMessage));
      } else {
        entry.fileComment = entry.fileCommentRaw;
        entry.fileName = entry.fileNameRaw;
      }
      // Maintain API compatibility. See https://github.com/thejoshwolfe/yauzl/issues/47
      entry.comment = entry.fileComment;

      self.readEntryCursor += buffer.length;
      self.entriesRead += 1;

      // Check for the Zip64 Extended Information Extra Field.
      for (var i = 0; i < entry.extraFields.length; i++) {
        var extraField = entry.extraFields[i];
        if (extraField.id !== 0x0001) continue;
        // Found it.

        var zip64EiefBuffer = extraField.data;
        var index = 0;
        // 0 - Original Size          8 bytes
        if (entry.uncompressedSize === 0xffffffff) {
          if (index + 8 > zip64EiefBuffer.length) {
            return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include uncompressed size"));
          }
          entry.uncompressedSize = readUInt64LE(zip64EiefBuffer, index);
          index += 8;
        }
        // 8 - Compressed Size        8 bytes
        if (entry.compressedSize === 0xffffffff) {
          if (index + 8 > zip64EiefBuffer.length) {
            return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include compressed size"));
          }
          entry.compressedSize = readUInt64LE(zip64EiefBuffer, index);
          index += 8;
        }
        // 16 - Relative Header Offset 8 bytes
        if (entry.relativeOffsetOfLocalHeader === 0xffffffff) {
          if (index + 8 > zip64EiefBuffer.length) {
            return emitErrorAndAutoClose(self, new Error("zip64 extended information extra field does not include relative header offset"));
          }
          entry.relativeOffsetOfLocalHeader = readUInt64LE(zip64EiefBuffer, index);
          index += 8;
        }
        // 24 - Disk Start Number      4 bytes

        break;
      }

      // validate file size
      if (self.validateEntrySizes && entry.compressionMethod === 0) {
        var expectedCompressedSize = entry.uncompressedSize;
        if (entry.isEncrypted()) {
          // traditional encryption prefixes the file data with a header
          expectedCompressedSize += 12;
        }
        if (entry.compressedSize !== expectedCompressedSize) {
          var msg = "compressed/uncompressed size mismatch for stored file: " + entry.compressedSize + " != " + entry.uncompressedSize;
          return emitErrorAndAutoClose(self, new Error(msg));
        }
      }

      self.emit("entry", entry);

      if (!self.lazyEntries) self._readEntry();
    });
  });
};

ZipFile.prototype.eachEntry = function() {
  const self = this;
  if (!self.lazyEntries) throw new Error("eachEntry() requires lazyEntries: true");
  if (self.hasEachEntryBeenCalled) throw new Error("eachEntry() must only be called once per ZipFile");
  self.hasEachEntryBeenCalled = true;

  let pendingResolveReject = null;
  self.on("entry", onEntry);
  self.on("end", onEnd);
  self.on("error", onError);
  function cleanup() {
    self.removeListener("entry", onEntry);
    self.removeListener("end", onEnd);
    self.removeListener("error", onError);
    if (self.autoClose) self.close();
  }

  function onEntry(entry) {
    let {resolve} = pendingResolveReject;
    pendingResolveReject = null;
    resolve({value: entry});
  }
  function onEnd() {
    let {resolve} = pendingResolveReject;
    pendingResolveReject = null;
    cleanup();
    resolve({done: true});
  }
  function onError(err) {
    let {reject} = pendingResolveReject;
    pendingResolveReject = null;
    cleanup();
    reject(err);
  }

  return {
    [Symbol.asyncIterator]() {
      // Called once by `for await...of`.
      return this;
    },
    next() {
      // Called on each iteration in a `for await...of`.
      const promise = new Promise((resolve, reject) => {
        if (pendingResolveReject != null) throw new Error("next() called before previous Promise was resolved.");
        pendingResolveReject = {resolve, reject};
      });
      self.readEntry();
      return promise;
    },
    return(value) {
      // Called when breaking, returning, throwing out of a `for await...of`.
      cleanup();
      return Promise.resolve({done: true, value});
    },
    throw(value) {
      // Almost never called. Something about `yield*` maybe?
      cleanup();
      return Promise.reject(value);
    },
  };
};

ZipFile.prototype.openReadStream = function(entry, options, callback) {
  var self = this;
  // parameter validation
  var relativeStart = 0;
  var relativeEnd = entry.compressedSize;
  if (callback == null) {
    callback = options;
    options = null;
  }
  if (options == null) {
    options = {};
  } else {
    if (options.decodeFileData === false) {
      // new, simple option
      if (options.decrypt != null) {
        throw new Error("cannot use options.decrypt when options.decodeFileData === false");
      }
      if (options.decompress != null) {
        throw new Error("cannot use options.decompress when options.decodeFileData === false");
      }
      // start and end are allowed
    } else {
      // old, complicated options
      if (options.decrypt != null) {
        if (!entry.isEncrypted()) {
          throw new Error("options.decrypt can only be specified for encrypted entries. See also option decodeFileData.");
        }
        if (options.decrypt !== false) throw new Error("invalid options.decrypt value: " + options.decrypt);
        if (entry.isCompressed()) {
          if (options.decompress !== false) throw new Error("entry is encrypted and compressed, and options.decompress !== false. See also option decodeFileData.");
        }
      }
      if (options.decompress != null) {
        if (!entry.isCompressed()) {
          throw new Error("options.decompress can only be specified for compressed entries. See also option decodeFileData.");
        }
        if (!(options.decompress === false || options.decompress === true)) {
          throw new Error("invalid options.decompress value: " + options.decompress);
        }
        decompress = options.decompress;
      }
    }
    if (options.start != null) {
      relativeStart = options.start;
      if (relativeStart < 0) throw new Error("options.start < 0");
      if (relativeStart > entry.compressedSize) throw new Error("options.start > entry.compressedSize");
    }
    if (options.end != null) {
      relativeEnd = options.end;
      if (relativeEnd < 0) throw new Error("options.end < 0");
      if (relativeEnd > entry.compressedSize) throw new Error("options.end > entry.compressedSize");
      if (relativeEnd < relativeStart) throw new Error("options.end < options.start");
    }
  }
  var rawMode = (
    options.decodeFileData === false || // Explicitly requested raw.
    (
      (entry.compressionMethod === 0 || // Naturally without compression.
        (entry.compressionMethod === 8 && options.decompress === false) // Deprecated compression bypass option.
      ) &&
      (!entry.isEncrypted() || // Naturally without encryption.
        options.decrypt === false // Deprecated encryption bypass option.
      )
    )
  );
  if (options.start != null || options.end != null) {
    // Ensure slicing deals with raw data.
    if (!rawMode) throw new Error("start/end range require options.decodeFileData === false for non-trivial encoded entries.");
  }

  // any further errors can either be caused by the zipfile,
  // or were introduced in a minor version of yauzl,
  // so should be passed to the client rather than thrown.
  if (!self.isOpen) return callback(new Error("closed"));
  if (entry.isEncrypted() && !rawMode) {
    if (options.decrypt !== false) return callback(new Error("entry is encrypted, and options.decodeFileData !== false"));
  }
  var decompress;
  if (rawMode) {
    decompress = false;
  } else if (entry.compressionMethod === 8) {
    // 8 - The file is Deflated
    decompress = options.decodeFileData !== true;
  } else {
    return callback(new Error("unsupported compression method: " + entry.compressionMethod));
  }

  self.readLocalFileHeader(entry, {minimal: true}, function(err, localFileHeader) {
    if (err) return callback(err);
    self.openReadStreamLowLevel(
      localFileHeader.fileDataStart, entry.compressedSize,
      relativeStart, relativeEnd,
      decompress, entry.uncompressedSize,
      callback);
  });
};

ZipFile.prototype.openReadStreamLowLevel = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, callback) {
  var self = this;

  var fileDataEnd = fileDataStart + compressedSize;
  var readStream = self.reader.createReadStream({
    start: fileDataStart + relativeStart,
    end: fileDataStart + relativeEnd,
  });
  var endpointStream = readStream;
  if (decompress) {
    var destroyed = false;
    var inflateFilter = zlib.createInflateRaw();
    readStream.on("error", function(err) {
      // setImmediate here because errors can be emitted during the first call to pipe()
      setImmediate(function() {
        if (!destroyed) inflateFilter.emit("error", err);
      });
    });
    readStream.pipe(inflateFilter);

    if (self.validateEntrySizes) {
      endpointStream = new AssertByteCountStream(uncompressedSize);
      inflateFilter.on("error", function(err) {
        // forward zlib errors to the client-visible stream
        setImmediate(function() {
          if (!destroyed) endpointStream.emit("error", err);
        });
      });
      inflateFilter.pipe(endpointStream);
    } else {
      // the zlib filter is the client-visible stream
      endpointStream = inflateFilter;
    }
    // this is part of yauzl's API, so implement this function on the client-visible stream
    installDestroyFn(endpointStream, function() {
      destroyed = true;
      if (inflateFilter !== endpointStream) inflateFilter.unpipe(endpointStream);
      readStream.unpipe(inflateFilter);
      // TODO: the inflateFilter may cause a memory leak. see Issue #27.
      readStream.destroy();
    });
  }
  callback(null, endpointStream);
};

ZipFile.prototype.readLocalFileHeader = function(entry, options, callback) {
  var self = this;
  if (callback == null) {
    callback = options;
    options = null;
  }
  if (options == null) options = {};

  self.reader.ref();
  var buffer = newBuffer(30);
  readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader, function(err) {
    try {
      if (err) return callback(err);
      // 0 - Local file header signature = 0x04034b50
      var signature = buffer.readUInt32LE(0);
      if (signature !== 0x04034b50) {
        return callback(new Error("invalid local file header signature: 0x" + signature.toString(16)));
      }

      var fileNameLength = buffer.readUInt16LE(26);
      var extraFieldLength = buffer.readUInt16LE(28);
      var fileDataStart = entry.relativeOffsetOfLocalHeader + 30 + fileNameLength + extraFieldLength;
      // We now have enough information to do this bounds check.
      if (fileDataStart + entry.compressedSize > self.fileSize) {
        return callback(new Error("file data overflows file bounds: " +
            fileDataStart + " + " + entry.compressedSize + " > " + self.fileSize));
      }

      if (options.minimal) {
        return callback(null, {fileDataStart: fileDataStart});
      }

      var localFileHeader = new LocalFileHeader();
      localFileHeader.fileDataStart = fileDataStart;

      // 4 - Version needed to extract (minimum)
      localFileHeader.versionNeededToExtract = buffer.readUInt16LE(4);
      // 6 - General purpose bit flag
      localFileHeader.generalPurposeBitFlag = buffer.readUInt16LE(6);
      // 8 - Compression method
      localFileHeader.compressionMethod = buffer.readUInt16LE(8);
      // 10 - File last modification time
      localFileHeader.lastModFileTime = buffer.readUInt16LE(10);
      // 12 - File last modification date
      localFileHeader.lastModFileDate = buffer.readUInt16LE(12);
      // 14 - CRC-32
      localFileHeader.crc32 = buffer.readUInt32LE(14);
      // 18 - Compressed size
      localFileHeader.compressedSize = buffer.readUInt32LE(18);
      // 22 - Uncompressed size
      localFileHeader.uncompressedSize = buffer.readUInt32LE(22);
      // 26 - File name length (n)
      localFileHeader.fileNameLength = fileNameLength;
      // 28 - Extra field length (m)
      localFileHeader.extraFieldLength = extraFieldLength;
      // 30 - File name
      // 30+n - Extra field

      buffer = newBuffer(fileNameLength + extraFieldLength);
      self.reader.ref();
      readAndAssertNoEof(self.reader, buffer, 0, buffer.length, entry.relativeOffsetOfLocalHeader + 30, function(err) {
        try {
          if (err) return callback(err);
          localFileHeader.fileName = buffer.subarray(0, fileNameLength);
          localFileHeader.extraField = buffer.subarray(fileNameLength);
          return callback(null, localFileHeader);
        } finally {
          self.reader.unref();
        }
      });
    } finally {
      self.reader.unref();
    }
  });
};

ZipFile.prototype.openReadStreamPromise = function(entry, options) {
  return new Promise((resolve, reject) => {
    this.openReadStream(entry, options, function(err, readStream) {
      if (err) return reject(err);
      resolve(readStream);
    });
  });
};
ZipFile.prototype.openReadStreamLowLevelPromise = function(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize) {
  return new Promise((resolve, reject) => {
    this.openReadStream(fileDataStart, compressedSize, relativeStart, relativeEnd, decompress, uncompressedSize, function(err, readStream) {
      if (err) return reject(err);
      resolve(readStream);
    });
  });
};
ZipFile.prototype.readLocalFileHeaderPromise = function(entry, options) {
  return new Promise((resolve, reject) => {
    this.readLocalFileHeader(entry, options, function(err, localFileHeader) {
      if (err) return reject(err);
      resolve(localFileHeader);
    });
  });
};

function Entry() {
}
Entry.prototype.getLastModDate = function(options) {
  if (options == null) options = {};

  if (!options.forceDosFormat) {
    // Check extended fields.
    for (var i = 0; i < this.extraFields.length; i++) {
      var extraField = this.extraFields[i];
      if (extraField.id === 0x5455) {
        // Info-ZIP "universal timestamp" extended field (`0x5455` aka `"UT"`).
        // See the Info-ZIP source code unix/unix.c:set_extra_field() and zipfile.c:ef_scan_ut_time().
        var data = extraField.data;
        if (data.length < 5) continue; // Too short.
        // The flags define which of the three fields are present: mtime, atime, ctime.
        // We only care about mtime.
        // Also, ctime is never included in practice.
        // And also, atime is only included in the local file header for some reason
        // despite the flags lying about its inclusion in the central header.
        var flags = data[0];
        var HAS_MTIME = 1;
        if (!(flags & HAS_MTIME)) continue; // This will realistically never happen.
        // Although the positions of all of the fields shift around depending on the presence of other fields,
        // mtime is always first if present, and that's the only one we care about.
        var posixTimestamp = data.readInt32LE(1);
        return new Date(posixTimestamp * 1000);
      } else if (extraField.id === 0x000a) {
        var data = extraField.data;
        if (data.length !== 32) continue; // The length is always the same.
        // 4 bytes reserved
        // 2 bytes Tag
        if (data.readUInt16LE(4) !== 1) continue; // Tag1 is actually the only defined Tag.
        // 2 bytes Size
        if (data.readUInt16LE(6) !== 24) continue; // Size is always 24.
        // 8 bytes Mtime
        var hundredNanoSecondsSince1601 = data.readUInt32LE(8) + 4294967296 * data.readInt32LE(12);
        // Convert from NTFS to POSIX milliseconds.
        // The big number below is the milliseconds between year 1601 and year 1970
        // (i.e. the negative POSIX timestamp of 1601-01-01 00:00:00Z)
        var millisecondsSince1970 = hundredNanoSecondsSince1601 / 10000 - 11644473600000;
        // Note on numeric precision: JavaScript Number objects lose precision above Number.MAX_SAFE_INTEGER,
        // and NTFS timestamps are typically much bigger than that limit.
        // (MAX_SAFE_INTEGER would represent 1629-07-17T23:58:45.475Z.)
        // However, we're losing precision in the conversion from 100nanosecond units to millisecond units anyway,
        // and the time at which we also lose 1-millisecond precision is year 275760, the JavaScript Date limit (by design).
        // Up through the year 2057, this conversion only drops 4 bits of precision,
        // which is well under the 13-14 bits ratio between the milliseconds and 100nanoseconds.
        return new Date(millisecondsSince1970);
      }
    }
  }

  // Fallback to non-extended encoding.
  return dosDateTimeToDate(this.lastModFileDate, this.lastModFileTime, options.timezone);
};

Entry.prototype.canDecodeFileData = function() {
  return (
    !this.isEncrypted() &&
    (this.compressionMethod === 0 || this.compressionMethod === 8)
  );
};
Entry.prototype.isEncrypted = function() {
  return (this.generalPurposeBitFlag & 0x1) !== 0;
};
Entry.prototype.isCompressed = function() {
  return this.compressionMethod === 8;
};

function LocalFileHeader() {
}

function dosDateTimeToDate(date, time, timezone) {
  var day = date & 0x1f; // 1-31
  var month = (date >> 5 & 0xf) - 1; // 1-12, 0-11
  var year = (date >> 9 & 0x7f) + 1980; // 0-128, 1980-2108

  var millisecond = 0;
  var second = (time & 0x1f) * 2; // 0-29, 0-58 (even numbers)
  var minute = time >> 5 & 0x3f; // 0-59
  var hour = time >> 11 & 0x1f; // 0-23

  if (timezone == null || timezone === "local") {
    return new Date(year, month, day, hour, minute, second, millisecond);
  } else if (timezone === "UTC") {
    return new Date(Date.UTC(year, month, day, hour, minute, second, millisecond));
  } else {
    throw new Error("unrecognized options.timezone: " + options.timezone);
  }
}

function getFileNameLowLevel(generalPurposeBitFlag, fileNameBuffer, extraFields, strictFileNames) {
  var fileName = null;

  // check for Info-ZIP Unicode Path Extra Field (0x7075)
  // see https://github.com/thejoshwolfe/yauzl/issues/33
  for (var i = 0; i < extraFields.length; i++) {
    var extraField = extraFields[i];
    if (extraField.id === 0x7075) {
      if (extraField.data.length < 6) {
        // too short to be meaningful
        continue;
      }
      // Version       1 byte      version of this extra field, currently 1
      if (extraField.data.readUInt8(0) !== 1) {
        // > Changes may not be backward compatible so this extra
        // > field should not be used if the version is not recognized.
        continue;
      }
      // NameCRC32     4 bytes     File Name Field CRC32 Checksum
      var oldNameCrc32 = extraField.data.readUInt32LE(1);
      if (crc32(fileNameBuffer) !== oldNameCrc32) {
        // > If the CRC check fails, this UTF-8 Path Extra Field should be
        // > ignored and the File Name field in the header should be used instead.
        continue;
      }
      // UnicodeName   Variable    UTF-8 version of the entry File Name
      fileName = decodeBuffer(extraField.data.subarray(5), true);
      break;
    }
  }

  if (fileName == null) {
    // The typical case.
    var isUtf8 = (generalPurposeBitFlag & 0x800) !== 0;
    fileName = decodeBuffer(fileNameBuffer, isUtf8);
  }

  if (!strictFileNames) {
    // Allow backslash.
    fileName = fileName.replace(/\\/g, "/");
  }
  return fileName;
}

function validateFileName(fileName) {
  if (fileName.indexOf("\\") !== -1) {
    return "invalid characters in fileName: " + fileName;
  }
  if (/^[a-zA-Z]:/.test(fileName) || /^\//.test(fileName)) {
    return "absolute path: " + fileName;
  }
  if (fileName.split("/").indexOf("..") !== -1) {
    return "invalid relative path: " + fileName;
  }
  // all good
  return null;
}

function parseExtraFields(extraFieldBuffer) {
  var extraFields = [];
  var i = 0;
  while (i < extraFieldBuffer.length - 3) {
    var headerId = extraFieldBuffer.readUInt16LE(i + 0);
    var dataSize = extraFieldBuffer.readUInt16LE(i + 2);
    var dataStart = i + 4;
    var dataEnd = dataStart + dataSize;
    if (dataEnd > extraFieldBuffer.length) throw new Error("extra field length exceeds extra field buffer size");
    var dataBuffer = extraFieldBuffer.subarray(dataStart, dataEnd);
    extraFields.push({
      id: headerId,
      data: dataBuffer,
    });
    i = dataEnd;
  }
  return extraFields;
}

function readAndAssertNoEof(reader, buffer, offset, length, position, callback) {
  if (length === 0) {
    // fs.read will throw an out-of-bounds error if you try to read 0 bytes from a 0 byte file
    return setImmediate(function() { callback(null, newBuffer(0)); });
  }
  reader.read(buffer, offset, length, position, function(err, bytesRead) {
    if (err) return callback(err);
    if (bytesRead < length) {
      return callback(new Error("unexpected EOF"));
    }
    callback();
  });
}

util.inherits(AssertByteCountStream, Transform);
function AssertByteCountStream(byteCount) {
  Transform.call(this);
  this.actualByteCount = 0;
  this.expectedByteCount = byteCount;
}
AssertByteCountStream.prototype._transform = function(chunk, encoding, cb) {
  this.actualByteCount += chunk.length;
  if (this.actualByteCount > this.expectedByteCount) {
    var msg = "too many bytes in the stream. expected " + this.expectedByteCount + ". got at least " + this.actualByteCount;
    return cb(new Error(msg));
  }
  cb(null, chunk);
};
AssertByteCountStream.prototype._flush = function(cb) {
  if (this.actualByteCount < this.expectedByteCount) {
    var msg = "not enough bytes in the stream. expected " + this.expectedByteCount + ". got only " + this.actualByteCount;
    return cb(new Error(msg));
  }
  cb();
};

util.inherits(RandomAccessReader, EventEmitter);
function RandomAccessReader() {
  EventEmitter.call(this);
  this.refCount = 0;
}
RandomAccessReader.prototype.ref = function() {
  this.refCount += 1;
};
RandomAccessReader.prototype.unref = function() {
  var self = this;
  self.refCount -= 1;

  if (self.refCount > 0) return;
  if (self.refCount < 0) throw new Error("invalid unref");

  self.close(onCloseDone);

  function onCloseDone(err) {
    if (err) return self.emit('error', err);
    self.emit('close');
  }
};
RandomAccessReader.prototype.createReadStream = function(options) {
  if (options == null) options = {};
  var start = options.start;
  var end = options.end;
  if (start === end) {
    var emptyStream = new PassThrough();
    setImmediate(function() {
      emptyStream.end();
    });
    return emptyStream;
  }
  var stream = this._readStreamForRange(start, end);

  var destroyed = false;
  var refUnrefFilter = new RefUnrefFilter(this);
  stream.on("error", function(err) {
    setImmediate(function() {
      if (!destroyed) refUnrefFilter.emit("error", err);
    });
  });
  installDestroyFn(refUnrefFilter, function() {
    stream.unpipe(refUnrefFilter);
    refUnrefFilter.unref();
    stream.destroy();
  });

  var byteCounter = new AssertByteCountStream(end - start);
  refUnrefFilter.on("error", function(err) {
    setImmediate(function() {
      if (!destroyed) byteCounter.emit("error", err);
    });
  });
  installDestroyFn(byteCounter, function() {
    destroyed = true;
    refUnrefFilter.unpipe(byteCounter);
    refUnrefFilter.destroy();
  });

  return stream.pipe(refUnrefFilter).pipe(byteCounter);
};
RandomAccessReader.prototype._readStreamForRange = function(start, end) {
  throw new Error("not implemented");
};
RandomAccessReader.prototype.read = function(buffer, offset, length, position, callback) {
  var readStream = this.createReadStream({start: position, end: position + length});
  var writeStream = new Writable();
  var written = 0;
  writeStream._write = function(chunk, encoding, cb) {
    chunk.copy(buffer, offset + written, 0, chunk.length);
    written += chunk.length;
    cb();
  };
  writeStream.on("finish", callback);
  readStream.on("error", function(error) {
    callback(error);
  });
  readStream.pipe(writeStream);
};
RandomAccessReader.prototype.close = function(callback) {
  setImmediate(callback);
};

util.inherits(RefUnrefFilter, PassThrough);
function RefUnrefFilter(context) {
  PassThrough.call(this);
  this.context = context;
  this.context.ref();
  this.unreffedYet = false;
}
RefUnrefFilter.prototype._flush = function(cb) {
  this.unref();
  cb();
};
RefUnrefFilter.prototype.unref = function(cb) {
  if (this.unreffedYet) return;
  this.unreffedYet = true;
  this.context.unref();
};

var cp437 = '\u0000☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼ !"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■ ';
function decodeBuffer(buffer, isUtf8) {
  if (isUtf8) {
    return buffer.toString("utf8");
  } else {
    var result = "";
    for (var i = 0; i < buffer.length; i++) {
      result += cp437[buffer[i]];
    }
    return result;
  }
}

function readUInt64LE(buffer, offset) {
  // There is no native function for this, because we can't actually store 64-bit integers precisely.
  // after 53 bits, JavaScript's Number type (IEEE 754 double) can't store individual integers anymore.
  // but since 53 bits is a whole lot more than 32 bits, we do our best anyway.
  // As of 2020, Node has added support for BigInt, which obviates this whole function,
  // but yauzl hasn't been updated to depend on BigInt (yet?).
  var lower32 = buffer.readUInt32LE(offset);
  var upper32 = buffer.readUInt32LE(offset + 4);
  // we can't use bitshifting here, because JavaScript bitshifting only works on 32-bit integers.
  return upper32 * 0x100000000 + lower32;
  // as long as we're bounds checking the result of this function against the total file size,
  // we'll catch any overflow errors, because we already made sure the total file size was within reason.
}

// Node 10 deprecated new Buffer().
var newBuffer;
if (typeof Buffer.allocUnsafe === "function") {
  newBuffer = function(len) {
    return Buffer.allocUnsafe(len);
  };
} else {
  newBuffer = function(len) {
    return new Buffer(len);
  };
}

// Node 8 introduced a proper destroy() implementation on writable streams.
function installDestroyFn(stream, fn) {
  if (typeof stream.destroy === "function") {
    // New API.
    stream._destroy = function(err, cb) {
      fn();
      if (cb != null) cb(err);
    };
  } else {
    // Old API.
    stream.destroy = fn;
  }
}

function defaultCallback(err) {
  if (err) throw err;
}


/***/ }),

/***/ 5581:
/***/ ((module, __webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   i: () => (/* binding */ main)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3136);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_url__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var _cli_commands_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(2808);
/* harmony import */ var _cli_parse_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(9537);
/* harmony import */ var _interrupt_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(8476);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(5625);
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(6670);
/* harmony import */ var _system_errors_js__WEBPACK_IMPORTED_MODULE_7__ = __nccwpck_require__(3436);
/* harmony import */ var _version_js__WEBPACK_IMPORTED_MODULE_8__ = __nccwpck_require__(1013);
/** CLI entry: `lambda-layer <command> [options]`. Thin: parse, dispatch, report errors. */









function overview() {
    const width = Math.max(..._cli_commands_js__WEBPACK_IMPORTED_MODULE_2__/* .COMMANDS */ .L.map((c) => c.name.length), 4);
    return [
        `${_version_js__WEBPACK_IMPORTED_MODULE_8__/* .TOOL_NAME */ .l} ${_version_js__WEBPACK_IMPORTED_MODULE_8__/* .TOOL_VERSION */ .w}: build, verify, publish and deploy Python layers for AWS Lambda`,
        '',
        `Usage: ${_version_js__WEBPACK_IMPORTED_MODULE_8__/* .TOOL_NAME */ .l} <command> [options]   (${_version_js__WEBPACK_IMPORTED_MODULE_8__/* .TOOL_NAME */ .l} <command> --help for its options)`,
        '',
        'Commands:',
        ..._cli_commands_js__WEBPACK_IMPORTED_MODULE_2__/* .COMMANDS */ .L.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    ].join('\n');
}
async function main(argv, io) {
    const verbose = argv.includes('--verbose');
    const env = io?.env ?? process.env;
    // Credentials in index URLs (--index-url URL or --index-url=URL, pip's PIP_* settings) are
    // remembered before anything runs, so every line printed after this is redacted.
    (0,_redact_js__WEBPACK_IMPORTED_MODULE_6__/* .rememberUrlSecrets */ .CY)([...argv.flatMap((arg) => [arg, arg.slice(arg.indexOf('=') + 1)]), ...(0,_redact_js__WEBPACK_IMPORTED_MODULE_6__/* .pipEnvUrls */ .pZ)(env)]);
    const fullIO = {
        stdout: io?.stdout ?? process.stdout,
        log: (0,_log_js__WEBPACK_IMPORTED_MODULE_5__/* .redactingLogger */ .S)(io?.log ?? (0,_log_js__WEBPACK_IMPORTED_MODULE_5__/* .streamLogger */ .VO)({ verbose })),
        env,
        cwd: io?.cwd ?? process.cwd(),
    };
    const [name, ...rest] = argv;
    if (!name || name === '--help' || name === '-h' || name === 'help') {
        fullIO.stdout.write(`${overview()}\n`);
        return name ? 0 : 2;
    }
    if (name === '--version' || name === '-v') {
        fullIO.stdout.write(`${_version_js__WEBPACK_IMPORTED_MODULE_8__/* .TOOL_VERSION */ .w}\n`);
        return 0;
    }
    const entry = _cli_commands_js__WEBPACK_IMPORTED_MODULE_2__/* .COMMANDS */ .L.find((c) => c.name === name);
    if (!entry) {
        fullIO.log.error(`unknown command "${name}"\n\n${overview()}`);
        return 2;
    }
    const command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
        fullIO.stdout.write(`${command.usage}\n`);
        return 0;
    }
    try {
        return await command.run(rest, fullIO);
    }
    catch (error) {
        // Stopped by Ctrl-C: the failure of the stopped step is not news; the handler says what happened.
        if ((0,_interrupt_js__WEBPACK_IMPORTED_MODULE_4__/* .interruptSignal */ .CW)())
            return 1;
        if (error instanceof _cli_parse_js__WEBPACK_IMPORTED_MODULE_3__/* .UsageError */ .e) {
            fullIO.log.error(`${error.message}\n\n${command.usage}`);
            return 2;
        }
        // One line, never a stack (that goes to --verbose): exit 1, the documented code for a problem.
        const explained = (0,_system_errors_js__WEBPACK_IMPORTED_MODULE_7__/* .explainError */ .U)(error);
        if (explained.detail)
            fullIO.log.debug(explained.detail);
        fullIO.log.error(explained.message);
        return 1;
    }
}
// Run only when executed directly (bundled dist/cli.js or `tsx src/cli.ts`), not when imported by tests.
const invokedPath = process.argv[1] ? (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)(process.argv[1]) : '';
if (invokedPath === (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.realpathSync)((0,node_url__WEBPACK_IMPORTED_MODULE_1__.fileURLToPath)(import.meta.url))) {
    (0,_interrupt_js__WEBPACK_IMPORTED_MODULE_4__/* .exitCleanlyOnSignals */ .xi)((message) => process.stderr.write(`${message}\n`));
    process.exitCode = await main(process.argv.slice(2));
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 2808:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  L: () => (/* binding */ COMMANDS)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
// EXTERNAL MODULE: ./src/interrupt.ts
var interrupt = __nccwpck_require__(8476);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
;// CONCATENATED MODULE: ./src/cache/entry-folder.ts
/**
 * How every per-wheel cache entry (bytecode, ELF facts) is written: filled in a
 * temp folder beside it and renamed into place, so a reader never sees half an entry. Another
 * build may store the same entry meanwhile: its copy is as good as ours.
 */



async function writeEntryFolder(dir, name, fill) {
    await (0,promises_.mkdir)(dir, { recursive: true });
    const partial = await (0,promises_.mkdtemp)((0,external_node_path_.join)(dir, '.partial-'));
    try {
        await fill(partial);
        await (0,promises_.rm)((0,external_node_path_.join)(dir, name), { recursive: true, force: true });
        await (0,promises_.rename)(partial, (0,external_node_path_.join)(dir, name)).catch(async (error) => {
            if (!(0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, name)))
                throw error;
            await (0,promises_.rm)(partial, { recursive: true, force: true });
        });
    }
    catch (error) {
        await (0,promises_.rm)(partial, { recursive: true, force: true });
        throw error;
    }
}
/**
 * A hard link from `to` to `from` (a new directory entry for the same file, no bytes written),
 * or a copy where the file system refuses links (another device, no link support). Both files
 * must never be written in place afterwards: the build only adds and removes files.
 */
function linkOrCopy(from, to) {
    try {
        (0,external_node_fs_.linkSync)(from, to);
    }
    catch (error) {
        const code = error.code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK')
            throw error;
        (0,external_node_fs_.copyFileSync)(from, to);
    }
}
/**
 * Touches the index file of an entry a build used: entryLastUsed reads it back, and so do the
 * Actions cache store (which saves only what the build used) and the CLI's pruning.
 */
async function markEntryUsed(indexFile) {
    const now = new Date();
    await (0,promises_.utimes)(indexFile, now, now).catch(() => undefined);
}
/**
 * When an entry was last used: the newest modification time of the files directly in it (its
 * index file, touched on every use: a file's time survives the Actions cache's archive, a
 * folder's is less certain to).
 */
async function entryLastUsed(entry) {
    let newest = 0;
    for (const item of await (0,promises_.readdir)(entry, { withFileTypes: true })) {
        if (item.isFile())
            newest = Math.max(newest, (await (0,promises_.stat)((0,external_node_path_.join)(entry, item.name))).mtimeMs);
    }
    return newest;
}
/**
 * The per-wheel cache's subfolders, one per kind of entry: pycs with their deflated bytes
 * (layer/wheel-bytecode.ts, layer/wheel-deflated.ts), ELF facts (layer/wheel-elf-facts.ts).
 */
const WHEEL_ENTRY_FOLDERS = { bytecode: 'bytecode', elf: 'elf' };

;// CONCATENATED MODULE: ./src/cache/store.ts
/**
 * Where finished layers are kept between runs. Two stores share one interface: the GitHub
 * Actions cache in the action, a local directory in the CLI. Both hold exactly the built
 * layer.zip and manifest.json, nothing else (never credentials).
 */
const CACHED_FILES = ['layer.zip', 'manifest.json'];
/** A cache that could not be reached: a warning for the user, never a failed build. */
class CacheUnavailableError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = 'CacheUnavailableError';
    }
}

;// CONCATENATED MODULE: ./src/cache/dir-store.ts
/** A LayerStore on the local disk, for the CLI: <cacheDir>/<key>/{layer.zip,manifest.json}. */






/** $XDG_CACHE_HOME/lambda-layer, or ~/.cache/lambda-layer (%LOCALAPPDATA% on Windows). */
function defaultCacheDir(env = process.env) {
    if (env.XDG_CACHE_HOME)
        return (0,external_node_path_.join)(env.XDG_CACHE_HOME, 'lambda-layer');
    if (process.platform === 'win32' && env.LOCALAPPDATA)
        return (0,external_node_path_.join)(env.LOCALAPPDATA, 'lambda-layer', 'cache');
    return (0,external_node_path_.join)((0,external_node_os_.homedir)(), '.cache', 'lambda-layer');
}
/**
 * The per-wheel caches' folder inside the CLI's cache folder (bytecode and verification facts
 * by wheel sha256, see layer/wheel-bytecode.ts and layer/wheel-elf-facts.ts). Layer entries are
 * named by their 64-hex key, so the names never meet.
 */
const WHEEL_CACHE_DIR = 'wheels';
function directoryStore(cacheDir) {
    return {
        description: `local cache ${cacheDir}`,
        async restore(key, dir) {
            const entry = (0,external_node_path_.join)(cacheDir, key);
            try {
                for (const file of CACHED_FILES)
                    await (0,promises_.stat)((0,external_node_path_.join)(entry, file));
            }
            catch {
                return false;
            }
            await (0,promises_.mkdir)(dir, { recursive: true });
            // Linked as save links them (no 60 MB copy); the caller checks the zip's sha256.
            for (const file of CACHED_FILES)
                linkOrCopy((0,external_node_path_.join)(entry, file), (0,external_node_path_.join)(dir, file));
            return true;
        },
        async save(key, dir) {
            await (0,promises_.mkdir)(cacheDir, { recursive: true });
            // Fill a temp folder, then rename: a reader never sees a half-written entry.
            const partial = await (0,promises_.mkdtemp)((0,external_node_path_.join)(cacheDir, '.partial-'));
            const forgetPartial = (0,interrupt/* removeOnInterrupt */.vY)(partial);
            try {
                // A hard link where the file system allows it: saving a 70 MB zip is then free. The
                // entry shares the file with the build's output; were that rewritten in place, restore's
                // sha256 check against the manifest would refuse the entry (src/cache/layer-cache.ts).
                for (const file of CACHED_FILES)
                    linkOrCopy((0,external_node_path_.join)(dir, file), (0,external_node_path_.join)(partial, file));
                await (0,promises_.rm)((0,external_node_path_.join)(cacheDir, key), { recursive: true, force: true });
                await (0,promises_.rename)(partial, (0,external_node_path_.join)(cacheDir, key));
                return undefined;
            }
            finally {
                await (0,promises_.rm)(partial, { recursive: true, force: true });
                forgetPartial();
            }
        },
    };
}

;// CONCATENATED MODULE: ./src/cache/prune-wheels.ts
/**
 * Keeps the CLI's per-wheel cache folder (<cache-dir>/wheels: bytecode and verification facts
 * by wheel sha256) from growing with every wheel version ever built: after a
 * build, entries no build has used for UNUSED_DAYS are removed, and so are temp folders a build
 * killed mid-write left behind. An entry's use is its index file's time (touched on every hit).
 * Removing an entry only costs a later build the time it saved. (The action's copy is pruned to
 * what the build used before each save instead: cache/wheel-store.ts.)
 */



const UNUSED_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A temp folder older than this belongs to no running build. */
const PARTIAL_MS = DAY_MS;
const KINDS = Object.values(WHEEL_ENTRY_FOLDERS);
/**
 * Folders of entries no build reads any more, removed whole: `trees` held each wheel's installed
 * files for builds that hard-linked them into a tree on the disk, until the tree moved to RAM
 * (layer/staging.ts), where unpacking is cheaper than linking was.
 */
const OBSOLETE_FOLDERS = ['trees'];
async function pruneWheelCache(dir, log, now = Date.now()) {
    let removed = 0;
    let kept = 0;
    for (const obsolete of OBSOLETE_FOLDERS) {
        const folder = (0,external_node_path_.join)(dir, obsolete);
        const names = await (0,promises_.readdir)(folder).catch(() => undefined);
        if (!names)
            continue;
        await (0,promises_.rm)(folder, { recursive: true, force: true });
        removed += names.length;
    }
    for (const kind of KINDS) {
        const folder = (0,external_node_path_.join)(dir, kind);
        const names = await (0,promises_.readdir)(folder).catch(() => []);
        for (const name of names) {
            const entry = (0,external_node_path_.join)(folder, name);
            try {
                const partial = name.startsWith('.partial-');
                const used = partial ? (await (0,promises_.stat)(entry)).mtimeMs : await entryLastUsed(entry);
                if (now - used > (partial ? PARTIAL_MS : UNUSED_DAYS * DAY_MS)) {
                    await (0,promises_.rm)(entry, { recursive: true, force: true });
                    removed++;
                }
                else
                    kept++;
            }
            catch (error) {
                // Another build removed or replaced it meanwhile: nothing to do.
                if (error.code !== 'ENOENT')
                    throw error;
            }
        }
    }
    if (removed > 0)
        log.info(`Per-wheel cache: removed ${removed} entries no build used for ${UNUSED_DAYS} days (${kept} kept)`);
    return { removed, kept };
}

// EXTERNAL MODULE: ./src/inputs.ts
var inputs = __nccwpck_require__(8422);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
// EXTERNAL MODULE: ./src/resolve/interpreters.ts + 1 modules
var interpreters = __nccwpck_require__(726);
;// CONCATENATED MODULE: ./src/layer/import-proof/where.ts
/**
 * Where the import proof runs: on the target's CPU, with an interpreter of the target's Python
 * version. Natively when this machine's CPU is the target's (any Python X.Y found on the host,
 * as for bytecode); otherwise under user-mode emulation (qemu-user: `qemu-aarch64-static -L
 * SYSROOT SYSROOT/usr/bin/python3.11`), which needs the emulator on PATH and a target-CPU
 * interpreter configured; when neither is possible, a reason to print instead.
 */




const PROOF_PYTHON_INPUT = 'import-proof-python';
const PROOF_SYSROOT_INPUT = 'import-proof-sysroot';
/** Environment fallbacks for the two inputs, so a machine can be set up once for every build. */
const PROOF_PYTHON_ENV = 'LAMBDA_LAYER_IMPORT_PROOF_PYTHON';
const PROOF_SYSROOT_ENV = 'LAMBDA_LAYER_IMPORT_PROOF_SYSROOT';
/** The CPU Node runs on, as wheels and ELF name it; undefined for CPUs Lambda does not have. */
function hostWheelArch(arch = process.arch) {
    if (arch === 'x64')
        return 'x86_64';
    if (arch === 'arm64')
        return 'aarch64';
    return undefined;
}
/** The command line that runs `interpreter ARGS` the way the runner says. */
function runnerCommand(runner, args) {
    if (runner.mode === 'native')
        return { command: runner.interpreter, args: [...args] };
    return {
        command: runner.emulator,
        args: [...(runner.sysroot ? ['-L', runner.sysroot] : []), runner.interpreter, ...args],
    };
}
function firstOnPath(names, env) {
    const dirs = (env.PATH ?? '').split(external_node_path_.delimiter).filter(Boolean);
    for (const name of names) {
        for (const dir of dirs) {
            if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(dir, name)))
                return (0,external_node_path_.join)(dir, name);
        }
    }
    return undefined;
}
/** The configured target interpreter: the input, else the sysroot's own /usr/bin/pythonX.Y. */
function configuredInterpreter(target, python, sysroot) {
    if (sysroot && !(0,external_node_fs_.existsSync)(sysroot)) {
        throw new errors/* InputError */.dz(PROOF_SYSROOT_INPUT, `${sysroot} does not exist`, {
            hint: `point it at the root the ${target.wheelArch} interpreter's libraries are unpacked in, or leave it empty`,
        });
    }
    if (python) {
        // Under qemu -L, an absolute path is looked up in the sysroot first.
        if (!(0,external_node_fs_.existsSync)(python) && !(sysroot && (0,external_node_fs_.existsSync)((0,external_node_path_.join)(sysroot, python)))) {
            throw new errors/* InputError */.dz(PROOF_PYTHON_INPUT, `${python} does not exist`, {
                hint: `give the path of a Python ${target.pythonVersion} interpreter for ${target.wheelArch}`,
            });
        }
        return python;
    }
    if (!sysroot)
        return undefined;
    const inSysroot = (0,external_node_path_.join)(sysroot, 'usr', 'bin', `python${target.pythonVersion}`);
    if (!(0,external_node_fs_.existsSync)(inSysroot)) {
        throw new errors/* InputError */.dz(PROOF_SYSROOT_INPUT, `${sysroot} has no usr/bin/python${target.pythonVersion}`, {
            hint: `unpack a Python ${target.pythonVersion} for ${target.wheelArch} there, or name its interpreter with ${PROOF_PYTHON_INPUT}`,
        });
    }
    return inSysroot;
}
async function chooseProofRunner(target, options) {
    const { env, log } = options;
    const python = options.python || env[PROOF_PYTHON_ENV] || undefined;
    const sysroot = options.sysroot || env[PROOF_SYSROOT_ENV] || undefined;
    const host = 'hostArch' in options ? options.hostArch : hostWheelArch();
    if (host === target.wheelArch) {
        if (python)
            return {
                mode: 'native',
                interpreter: configuredInterpreter(target, python, undefined) ?? python,
                configured: true,
            };
        const found = await (0,interpreters/* findInterpreter */.A)(target.pythonVersion, options.bytecodePython, {
            log,
            env,
            inputName: 'bytecode-python',
        });
        if (found)
            return { mode: 'native', interpreter: found.path, configured: false };
        return {
            mode: 'skipped',
            reason: `no Python ${target.pythonVersion} interpreter found on PATH, in the runner tool cache or in pyenv (install Python ${target.pythonVersion}, e.g. with actions/setup-python)`,
        };
    }
    const interpreter = configuredInterpreter(target, python, sysroot);
    const emulatorNames = [`qemu-${target.wheelArch}-static`, `qemu-${target.wheelArch}`];
    const emulator = firstOnPath(emulatorNames, env);
    const hostName = host ?? process.arch;
    if (!interpreter || !emulator) {
        const missing = [
            ...(emulator ? [] : [`no ${emulatorNames.join(' or ')} on PATH (Debian/Ubuntu: qemu-user-static)`]),
            ...(interpreter
                ? []
                : [
                    `no ${target.wheelArch} Python ${target.pythonVersion} configured (${PROOF_PYTHON_INPUT} / ${PROOF_SYSROOT_INPUT}, or ${PROOF_PYTHON_ENV} / ${PROOF_SYSROOT_ENV})`,
                ]),
        ];
        return {
            mode: 'skipped',
            reason: `the target CPU is ${target.wheelArch} and this machine is ${hostName}; ${missing.join('; ')}; build on an ${target.wheelArch} machine to prove imports natively`,
        };
    }
    return { mode: 'emulated', interpreter, emulator, ...(sysroot ? { sysroot } : {}), configured: true };
}

// EXTERNAL MODULE: ./src/target.ts
var src_target = __nccwpck_require__(6746);
// EXTERNAL MODULE: ./src/version.ts + 1 modules
var version = __nccwpck_require__(1013);
;// CONCATENATED MODULE: ./src/layer/manifest.ts
/**
 * The manifest: what is in the layer and how it was built, written next to layer.zip. Keys are
 * written in a fixed order and nothing time-specific goes in but the import proof's timings
 * (importProof.durationMs and each module's ms), so the same inputs on one machine give the same
 * manifest.json byte for byte apart from those.
 */



function assembleManifest(parts) {
    const { target } = parts;
    return {
        schemaVersion: 1,
        tool: { name: version/* TOOL_NAME */.l, version: version/* TOOL_VERSION */.w },
        target: {
            runtime: target.runtime,
            architecture: target.architecture,
            pythonVersion: target.pythonVersion,
            os: target.os,
            glibc: (0,src_target/* glibcLabel */.E3)(target.glibc),
            platformTags: (0,src_target/* platformTags */.$A)(target),
        },
        requirementsHash: parts.requirementsHash,
        ...(parts.input ? { input: parts.input } : {}),
        packages: [...parts.packages].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())),
        ...(parts.resolver ? { resolver: parts.resolver } : {}),
        layer: parts.layer,
        bytecode: parts.bytecode,
        ...(parts.verification ? { verification: parts.verification } : {}),
        ...(parts.slim ? { slim: parts.slim } : {}),
        ...(parts.importProof ? { importProof: parts.importProof } : {}),
    };
}
/** Objects with their keys sorted, recursively: a stable order whatever built the object. */
function sortedKeys(value) {
    if (Array.isArray(value))
        return value.map(sortedKeys);
    if (value && typeof value === 'object') {
        return Object.fromEntries(Object.keys(value)
            .sort()
            .map((key) => [key, sortedKeys(value[key])]));
    }
    return value;
}
// Top-level keys in reading order; nested objects (filled by several stages) sorted by key.
const TOP_LEVEL_ORDER = [
    'schemaVersion',
    'tool',
    'target',
    'requirementsHash',
    'input',
    'packages',
    'resolver',
    'layer',
    'bytecode',
    'importProof',
    'verification',
    'slim',
];
/** The manifest as written: 2-space JSON in a fixed key order, trailing newline. */
function serializeManifest(manifest) {
    const record = manifest;
    const keys = [
        ...TOP_LEVEL_ORDER.filter((key) => key in record),
        ...Object.keys(record)
            .filter((key) => !TOP_LEVEL_ORDER.includes(key))
            .sort(),
    ];
    const ordered = Object.fromEntries(keys.map((key) => [key, sortedKeys(record[key])]));
    return `${JSON.stringify(ordered, null, 2)}\n`;
}
async function writeManifest(manifest, path) {
    await (0,promises_.writeFile)(path, serializeManifest(manifest));
}

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(7598);
;// CONCATENATED MODULE: ./src/cache/key.ts
/**
 * The cache key: it must change when anything that shapes the layer changes, and only then.
 * (serverless-python-requirements once keyed on requirements alone and served layers built for
 * another Python version.) Index URLs are hashed, never shown: they may carry credentials.
 */


function cacheKey(inputs) {
    const { target } = inputs;
    const ingredients = {
        tool: inputs.toolVersion,
        runtime: target.runtime,
        architecture: target.architecture,
        platformTags: (0,src_target/* platformTags */.$A)(target),
        pip: inputs.pipVersion,
        // Includes python_full_version: a new documented patch level may flip a marker.
        markers: (0,src_target/* markerEnvironment */.wp)(target),
        requirements: inputs.requirementsHash,
        directSources: inputs.directSourcesHash,
        bytecode: inputs.bytecode,
        slim: inputs.slim ? { exclude: [...inputs.slim.exclude], keep: [...inputs.slim.keep] } : null,
        sdist: inputs.sdist,
        indexUrl: inputs.indexUrl ?? null,
        extraIndexUrls: [...inputs.extraIndexUrls],
        findLinks: [...inputs.findLinks],
    };
    const digest = (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(ingredients)).digest('hex');
    // Readable prefix for humans browsing the cache list; the digest carries every ingredient.
    // Max key length is 512 characters; this stays under 120.
    return `lambda-layer-${inputs.toolVersion}-${target.runtime}-${target.architecture}-${digest}`;
}

;// CONCATENATED MODULE: ./src/cache/layer-cache.ts
/**
 * Restore and save finished layers through a LayerStore. A restored zip is trusted only when
 * its sha256 matches the manifest saved with it; any cache trouble is a warning and the build
 * goes on without the cache.
 */








/** 1 MiB reads: with the stream's default 64 KiB a 60 MB zip took ~900 trips through the threadpool. */
const HASH_READ_BYTES = 1024 * 1024;
async function sha256File(path) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for await (const chunk of (0,external_node_fs_.createReadStream)(path, { highWaterMark: HASH_READ_BYTES }))
        hash.update(chunk);
    return hash.digest('hex');
}
async function restoreLayer(store, key, outDir, log) {
    const scratch = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'lambda-layer-restore-'));
    const forgetScratch = (0,interrupt/* removeOnInterrupt */.vY)(scratch);
    try {
        let hit;
        try {
            hit = await store.restore(key, scratch);
        }
        catch (error) {
            log.warn(`${store.description}: ${messageOf(error)}; building without the cache`);
            return undefined;
        }
        if (!hit) {
            log.info(`Cache miss (${store.description}): ${key}`);
            return undefined;
        }
        const manifest = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(scratch, 'manifest.json'), 'utf8'));
        const actual = await sha256File((0,external_node_path_.join)(scratch, 'layer.zip'));
        if (actual !== manifest.layer?.sha256) {
            log.warn(`Cached layer.zip does not match its manifest (sha256 ${actual} vs ${manifest.layer?.sha256}); rebuilding`);
            return undefined;
        }
        // Move into outDir only once verified, so a bad cache entry never replaces a user's files.
        await (0,promises_.mkdir)(outDir, { recursive: true });
        for (const file of CACHED_FILES) {
            const partial = (0,external_node_path_.join)(outDir, `.${file}.partial`);
            await (0,promises_.rm)(partial, { force: true });
            // A link to the checked file where the file systems allow (the cache keeps its own name
            // for it; a layer.zip later rewritten in place fails the check above next time).
            linkOrCopy((0,external_node_path_.join)(scratch, file), partial);
            await (0,promises_.rename)(partial, (0,external_node_path_.join)(outDir, file));
        }
        log.info(`Cache hit (${store.description}): ${key}`);
        return { manifest, zipPath: (0,external_node_path_.join)(outDir, 'layer.zip'), manifestPath: (0,external_node_path_.join)(outDir, 'manifest.json') };
    }
    catch (error) {
        log.warn(`Could not use the cached layer (${messageOf(error)}); rebuilding`);
        return undefined;
    }
    finally {
        await (0,promises_.rm)(scratch, { recursive: true, force: true });
        forgetScratch();
    }
}
async function saveLayer(store, key, outDir, log) {
    try {
        const declined = await store.save(key, outDir);
        if (declined) {
            log.info(`Did not save the layer to the ${store.description}: ${declined}; the build itself succeeded`);
            return false;
        }
        log.info(`Saved the layer to the ${store.description}: ${key}`);
        return true;
    }
    catch (error) {
        log.warn(`${store.description}: could not save the layer (${messageOf(error)}); the build itself succeeded`);
        return false;
    }
}
function messageOf(error) {
    return error instanceof Error ? error.message : String(error);
}

// EXTERNAL MODULE: ./src/report.ts
var src_report = __nccwpck_require__(665);
// EXTERNAL MODULE: ./src/programs.ts
var programs = __nccwpck_require__(4122);
;// CONCATENATED MODULE: ./src/resolve/requirements.ts
/**
 * Reads a pip requirements file with its `-r`/`-c` includes into a typed snapshot: the files
 * read, every requirement line (for annotations on the user's file) and a hash of the normalized
 * content that changes only when what pip would install could change.
 */




/** The file and line to show and annotate for a requirement line. */
function writtenAt(line) {
    return line.source ?? { file: line.file, line: line.line };
}
/** "file:line" of a requirement line as the user wrote it. */
function writtenAtText(line) {
    const at = writtenAt(line);
    return at.line ? `${at.file}:${at.line}` : at.file;
}
/**
 * The longest physical line accepted. pip strips comments with the regular expression
 * `(^|\s)+#.*$`, which takes time quadratic in a line's length (a line of 100,000 spaces took
 * pip 155 s to reject): such a line is refused before pip sees it. Real lines are far shorter;
 * long --hash lists are continued over several lines.
 */
const MAX_LINE_LENGTH = 8192;
/**
 * pip's comment rule (`#` at the start of a line or after whitespace), in one linear pass: a
 * regular expression with `\s+#` backtracks quadratically over long runs of spaces.
 */
function stripComment(line) {
    for (let i = line.indexOf('#'); i !== -1; i = line.indexOf('#', i + 1)) {
        if (i === 0 || /\s/.test(line[i - 1]))
            return line.slice(0, i);
    }
    return line;
}
/**
 * pip's own preprocessing (pip/_internal/req/req_file.py): join lines ending in a backslash,
 * drop comments (`#` at line start or after whitespace), strip, drop empty lines.
 */
function logicalLines(text) {
    const physical = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const result = [];
    const emit = (line, joined) => {
        const clean = stripComment(joined).split(/\s+/).filter(Boolean).join(' ');
        if (clean)
            result.push({ line, text: clean });
    };
    let buffer = [];
    let start = 0;
    physical.forEach((raw, index) => {
        const wholeLineComment = /^\s*#/.test(raw);
        if (raw.endsWith('\\') && !wholeLineComment) {
            if (buffer.length === 0)
                start = index + 1;
            buffer.push(raw.replace(/\\+$/, ''));
            return;
        }
        if (buffer.length) {
            // pip keeps a comment line that ends a continuation as a comment, not as text.
            buffer.push(wholeLineComment ? ` ${raw}` : raw);
            emit(start, buffer.join(''));
            buffer = [];
        }
        else {
            emit(index + 1, raw);
        }
    });
    if (buffer.length)
        emit(start, buffer.join(''));
    return result;
}
/**
 * The requirements text as pip sees it: one logical line each, no comments, blank lines or
 * continuations, inner whitespace collapsed. Pure: the cache key hashes it.
 */
function normalizeRequirements(text) {
    const lines = logicalLines(text).map((l) => l.text);
    return lines.length ? `${lines.join('\n')}\n` : '';
}
/** PEP 503 name normalization. */
function normalizeProjectName(name) {
    return name.toLowerCase().replace(/[-_.]+/g, '-');
}
// `-r FILE`, `-rFILE`, `--requirement FILE`, `--requirement=FILE`, and the same for -c.
const INCLUDE = /^(?:-([rc])\s*=?\s*|--(requirement|constraint)(?:\s*=\s*|\s+))(\S.*)$/;
function parseInclude(text) {
    const match = INCLUDE.exec(text);
    const option = match?.[1] ?? match?.[2];
    if (!option || !match?.[3])
        return undefined;
    const kind = option === 'c' || option === 'constraint' ? 'constraint' : 'requirement';
    return { kind, target: match[3].trim() };
}
/** The project a requirement line names (`name[extras] op version ; marker`, `name @ url`). */
function requirementName(text) {
    if (text.startsWith('-'))
        return undefined; // an option line (--index-url, --hash alone, -e ...)
    const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[|[<>=!~;@ ]|$)/.exec(text);
    return match?.[1] ? normalizeProjectName(match[1]) : undefined;
}
const isUrl = (value) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
function where(includedFrom) {
    return includedFrom ? ` (included from ${includedFrom.file}:${includedFrom.line})` : '';
}
async function readRequirementsText(path, includedFrom) {
    let bytes;
    try {
        bytes = await (0,promises_.readFile)(path);
    }
    catch (error) {
        const code = error.code;
        const reason = code === 'ENOENT'
            ? 'does not exist'
            : code === 'EISDIR'
                ? 'is a directory, not a requirements file'
                : `cannot be read (${code ?? error.message})`;
        throw new errors/* InputError */.dz('requirements', `requirements file ${path} ${reason}${where(includedFrom)}`, {
            hint: includedFrom
                ? 'fix the -r/-c line: include paths are relative to the file that includes them'
                : 'pass the path of your requirements file (-r FILE, action input "requirements")',
        });
    }
    // pip reads requirements files as text (UTF-8 by default); a NUL byte or invalid UTF-8 means
    // a binary file was named, and pip would fail with a UnicodeDecodeError traceback.
    const text = bytes.includes(0) ? undefined : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    if (text === undefined || text.includes('\uFFFD')) {
        throw new errors/* InputError */.dz('requirements', `${path} is not a text file${where(includedFrom)}`, {
            hint: 'name a pip requirements file (UTF-8 text, one requirement per line)',
        });
    }
    const lines = text.split(/\r?\n/);
    const long = lines.findIndex((line) => line.length > MAX_LINE_LENGTH);
    if (long !== -1) {
        throw new errors/* InputError */.dz('requirements', `${path}:${long + 1}: the line is ${lines[long]?.length} characters long (at most ${MAX_LINE_LENGTH})${where(includedFrom)}`, { hint: 'split it: a long --hash list can continue over several lines ending in "\\"' });
    }
    return text;
}
/** Reads `file` and every file it includes (recursively, each file once) into a snapshot. */
async function readRequirements(file, cwd = process.cwd()) {
    const root = (0,external_node_path_.resolve)(cwd, file);
    const files = [];
    const requirements = [];
    const hash = (0,external_node_crypto_.createHash)('sha256');
    const seen = new Set();
    const visit = async (path, kind, chain) => {
        const includedFrom = chain.at(-1);
        const cycleStart = chain.findIndex((step) => step.file === path);
        if (cycleStart !== -1) {
            // pip follows includes without remembering them and dies of a RecursionError.
            const steps = chain.slice(cycleStart);
            const cycle = steps.map((step) => `${step.file}:${step.line} (${step.text})`).join(' -> ');
            throw new errors/* InputError */.dz('requirements', `the -r/-c includes form a cycle: ${cycle} -> ${path}`, {
                hint: 'remove one of these include lines; each file may be included once along any chain',
            });
        }
        // A file included twice along different chains is read once: pip applies it again to no effect.
        if (seen.has(path))
            return;
        seen.add(path);
        const content = await readRequirementsText(path, includedFrom);
        files.push({ path, content });
        const lines = logicalLines(content);
        // The hash covers each file's normalized text, tagged with its role and order, never its
        // absolute path: the same project checked out elsewhere hashes the same.
        hash.update(`--- ${kind} file ${files.length}\n${normalizeRequirements(content)}`);
        for (const entry of lines) {
            const include = parseInclude(entry.text);
            if (include) {
                if (isUrl(include.target))
                    continue; // pip fetches remote includes itself; the line is hashed
                // A requirement included from a constraints file is still a constraint.
                const nestedKind = kind === 'constraint' ? 'constraint' : include.kind;
                await visit((0,external_node_path_.resolve)((0,external_node_path_.dirname)(path), include.target), nestedKind, [...chain, { ...entry, file: path }]);
                continue;
            }
            requirements.push({
                file: path,
                line: entry.line,
                text: entry.text,
                name: requirementName(entry.text),
                kind,
            });
        }
    };
    await visit(root, 'requirement', []);
    return { file: root, files, requirements, requirementsHash: hash.digest('hex') };
}
/** The line that asks for `project` directly (a requirement, else a constraint), if any. */
function findRequirementLine(snapshot, project) {
    const name = normalizeProjectName(project);
    const matches = snapshot.requirements.filter((r) => r.name === name);
    return matches.find((r) => r.kind === 'requirement') ?? matches[0];
}

;// CONCATENATED MODULE: ./src/resolve/check-requirements.ts
/**
 * Every requirement line is checked with pip's own parser before pip installs anything
 * (check_requirements.py), so a malformed line fails with its file and line, never with pip's
 * "exit code 1" or a Python traceback; and the lines whose installation would run a package's
 * build code on this machine (local projects, sdist archives and URLs, VCS checkouts, editables)
 * are known before pip starts, for the sdist policy. The check runs inside the pip run that
 * installs (pip_for_target.py --lambda-layer-check), which stops before installing when it fails.
 */




/** Whether and why a line builds from source; check_requirements.py's builds_from_source() stops on the same rule. */
function classify(result) {
    const { link } = result;
    if (result.editable)
        return { buildsFromSource: true, reference: 'editable install' };
    if (!link)
        return { buildsFromSource: false };
    if (link.isVcs)
        return { buildsFromSource: true, reference: 'VCS checkout' };
    if (link.isWheel)
        return { buildsFromSource: false, reference: 'wheel' };
    if (link.isDirectory)
        return { buildsFromSource: true, reference: 'local project' };
    return { buildsFromSource: true, reference: 'source archive' };
}
/** pip's messages end in " (from LINE)": the annotation already names the line. */
function pipMessage(error) {
    return error.replace(/ \(from [^\n]*\)$/m, '').trim();
}
/**
 * Prepares the check of every requirement line of `snapshot` by the pinned pip's own parser,
 * inside the pip run that installs them (pip's modules are imported once: a process of its own
 * cost about 0.4 s). Relative paths resolve from pip's working directory, as pip resolves them.
 * `result()` throws one UserError listing every bad line as `file:line: message`, annotated on
 * the first; under the sdist policy "never", also every line that would build from source (pip
 * then never started installing).
 */
async function prepareRequirementCheck(snapshot, params) {
    const lines = snapshot.requirements;
    const requestFile = (0,external_node_path_.join)(params.workDir, 'requirement-check.json');
    const resultFile = (0,external_node_path_.join)(params.workDir, 'requirement-check-result.json');
    await (0,promises_.writeFile)(requestFile, JSON.stringify({
        lines: lines.map((line, id) => ({ id, text: line.text })),
        refuseSourceBuilds: params.sdist === 'never',
    }));
    return {
        args: ['--lambda-layer-check', requestFile, resultFile],
        async result() {
            let results;
            try {
                results = JSON.parse(await (0,promises_.readFile)(resultFile, 'utf8')).results;
            }
            catch {
                return []; // the run ended before the check (pip's own output says why)
            }
            return checkedOrThrow(results, lines, params.sdist);
        },
    };
}
function checkedOrThrow(results, lines, sdist) {
    const checked = [];
    const problems = [];
    for (const result of results) {
        const line = lines[result.id];
        if (result.error !== undefined) {
            problems.push({ line, message: pipMessage(result.error) });
            continue;
        }
        if (result.options)
            continue;
        const entry = { line, name: result.name ?? undefined, ...classify(result) };
        if (entry.buildsFromSource && sdist === 'never') {
            problems.push({
                line,
                message: `"${line.text}" is a ${entry.reference}: installing it runs its build code on this machine, which the sdist policy "never" forbids`,
                hint: 'build a wheel of it (pip wheel) and list the .whl instead, or allow pure-Python builds with sdist "pure"',
            });
        }
        checked.push(entry);
    }
    if (problems.length > 0) {
        const first = problems[0];
        throw new errors/* UserError */.yo(problems.map((p) => `${writtenAtText(p.line)}: ${p.message}`).join('\n'), {
            hint: first.hint ?? 'fix the line as pip describes it, then build again',
            location: writtenAt(first.line),
        });
    }
    return checked;
}

// EXTERNAL MODULE: ./src/pep440.ts
var pep440 = __nccwpck_require__(936);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __nccwpck_require__(3136);
// EXTERNAL MODULE: ./src/redact.ts
var redact = __nccwpck_require__(6670);
;// CONCATENATED MODULE: ./src/resolve/index-auth.ts
/**
 * Credentials for reading a package index the way pip sends them: HTTP basic auth from the
 * URL's userinfo, else from the netrc file (requests, under pip, reads $NETRC or ~/.netrc).
 * Node's fetch refuses a URL with credentials, so the userinfo moves into a header.
 * pip's keyring support is not mirrored: it needs Python plugins this process cannot load.
 */



/** Entries by machine name ("" for `default`), from netrc text (tokens separated by whitespace). */
function parseNetrc(text) {
    const entries = new Map();
    const tokens = text.split(/\s+/).filter(Boolean);
    let machine;
    let entry = {};
    const flush = () => {
        if (machine !== undefined && !entries.has(machine))
            entries.set(machine, entry);
    };
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        if (token === 'machine' || token === 'default') {
            flush();
            machine = token === 'default' ? '' : (tokens[++i] ?? '');
            entry = {};
        }
        else if (token === 'login')
            entry.login = tokens[++i];
        else if (token === 'password')
            entry.password = tokens[++i];
        else if (token === 'account')
            i++;
        else if (token === 'macdef')
            break; // a macro body runs to a blank line; nothing after it is read
    }
    flush();
    return entries;
}
function netrcEntry(host, env) {
    const path = env.NETRC || (0,external_node_path_.join)(env.HOME || (0,external_node_os_.homedir)(), '.netrc');
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(path, 'utf8');
    }
    catch {
        return undefined; // no netrc: no credentials, as with pip
    }
    const entries = parseNetrc(text);
    return entries.get(host) ?? entries.get('');
}
function decode(part) {
    try {
        return decodeURIComponent(part);
    }
    catch {
        return part;
    }
}
const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
/** `url` without its credentials, and the Authorization header that carries them. */
function authorizedRequest(url, env = process.env) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        return { url, headers: {} };
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
        return { url, headers: {} };
    if (parsed.username || parsed.password) {
        const header = basic(decode(parsed.username), decode(parsed.password));
        parsed.username = '';
        parsed.password = '';
        return { url: parsed.href, headers: { Authorization: header } };
    }
    const entry = netrcEntry(parsed.hostname, env);
    if (entry?.login !== undefined || entry?.password !== undefined) {
        return { url, headers: { Authorization: basic(entry.login ?? '', entry.password ?? '') } };
    }
    return { url, headers: {} };
}

;// CONCATENATED MODULE: ./src/resolve/simple-index.ts
/**
 * Reads what a package index offers for one project: PEP 503 "simple" pages over http(s) or
 * file:// URLs, and pip's --find-links sources (a local directory, or an HTML page of links).
 * Used only to explain a failed resolution, so it is read-only and bounded in time.
 */






/** A source that could not be read, with why (connection refused, 404, no such directory). */
class IndexUnreachable extends Error {
    reason;
    /** The source as it may be shown: without credentials. */
    url;
    constructor(url, reason) {
        super(`${(0,redact/* redact */.E$)(url)}: ${reason}`);
        this.reason = reason;
        this.name = 'IndexUnreachable';
        this.url = (0,redact/* redact */.E$)(url);
    }
}
const FETCH_TIMEOUT_MS = 20_000;
const decodeEntities = (value) => value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0*39;/g, "'")
    .replace(/&amp;/g, '&');
/** Anchors of a PEP 503 page: file name from the URL path (PEP 503 says the text is the name too). */
function parseSimplePage(html, source) {
    const files = [];
    for (const match of html.matchAll(/<a\s([^>]*)>([^<]*)<\/a>/gi)) {
        const attributes = match[1] ?? '';
        const href = /href\s*=\s*"([^"]*)"|href\s*=\s*'([^']*)'/i.exec(attributes);
        const url = decodeEntities(href?.[1] ?? href?.[2] ?? '');
        const fromUrl = decodeURIComponent((0,external_node_path_.basename)(url.split('#')[0]?.split('?')[0] ?? ''));
        const filename = fromUrl || decodeEntities(match[2] ?? '').trim();
        if (!filename)
            continue;
        const requiresPython = /data-requires-python\s*=\s*"([^"]*)"/i.exec(attributes)?.[1];
        files.push({
            filename,
            source,
            requiresPython: requiresPython ? decodeEntities(requiresPython) : undefined,
            yanked: /data-yanked/i.test(attributes),
        });
    }
    return files;
}
async function readUrl(url) {
    if (url.startsWith('file:')) {
        const path = (0,external_node_url_.fileURLToPath)(url);
        // pip reads <dir>/index.html for a directory URL.
        const info = await (0,promises_.stat)(path).catch(() => undefined);
        if (!info)
            return undefined;
        return (0,promises_.readFile)(info.isDirectory() ? (0,external_node_path_.join)(path, 'index.html') : path, 'utf8').catch(() => undefined);
    }
    let response;
    try {
        // Credentials go in a header, as pip sends them: fetch refuses a URL that carries them.
        const request = authorizedRequest(url);
        response = await fetch(request.url, {
            signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
            headers: { Accept: 'text/html', ...request.headers },
        });
    }
    catch (error) {
        const cause = error.cause;
        throw new IndexUnreachable(url, cause?.code ?? cause?.message ?? error.message);
    }
    if (response.status === 404)
        return undefined;
    if (!response.ok)
        throw new IndexUnreachable(url, `HTTP ${response.status} ${response.statusText}`);
    return response.text();
}
const projectPageUrl = (indexUrl, project) => `${indexUrl.replace(/\/+$/, '')}/${normalizeProjectName(project)}/`;
/** Files an index lists for `project`; [] when it has no page for it. Throws IndexUnreachable. */
async function indexFiles(indexUrl, project) {
    const url = projectPageUrl(indexUrl, project);
    if (indexUrl.startsWith('file:')) {
        const root = await (0,promises_.stat)((0,external_node_url_.fileURLToPath)(indexUrl)).catch(() => undefined);
        if (!root?.isDirectory())
            throw new IndexUnreachable(indexUrl, 'no such directory');
    }
    const html = await readUrl(url);
    return html === undefined ? [] : parseSimplePage(html, url);
}
/** Project name and version from a distribution file name, when it is one. */
function parseDistributionName(filename) {
    if (filename.endsWith('.whl')) {
        const parts = filename.slice(0, -4).split('-');
        if (parts.length < 5 || !parts[0] || !parts[1])
            return undefined;
        return { project: normalizeProjectName(parts[0]), version: parts[1] };
    }
    const ext = /\.(tar\.gz|tar\.bz2|tar\.xz|tgz|zip|tar)$/i.exec(filename)?.[0];
    if (!ext)
        return undefined;
    const base = filename.slice(0, -ext.length);
    // sdist names may contain "-": the version starts after the last "-" followed by a digit.
    const split = base.search(/-(?=\d[^-]*$)/);
    if (split <= 0)
        return undefined;
    return { project: normalizeProjectName(base.slice(0, split)), version: base.slice(split + 1) };
}
/** Files of `project` in a --find-links source: a directory, a file:// URL or an HTML page. */
async function findLinksFiles(location, project) {
    const wanted = normalizeProjectName(project);
    const isLocal = location.startsWith('file:') || !/^[a-z][a-z0-9+.-]*:/i.test(location);
    let candidates;
    if (isLocal) {
        const path = location.startsWith('file:') ? (0,external_node_url_.fileURLToPath)(location) : location;
        const info = await (0,promises_.stat)(path).catch(() => undefined);
        if (!info)
            throw new IndexUnreachable(location, 'no such file or directory');
        if (info.isDirectory()) {
            const source = (0,external_node_url_.pathToFileURL)(path).href;
            candidates = (await (0,promises_.readdir)(path)).map((filename) => ({ filename, source, yanked: false }));
        }
        else {
            candidates = parseSimplePage(await (0,promises_.readFile)(path, 'utf8'), location);
        }
    }
    else {
        candidates = parseSimplePage((await readUrl(location)) ?? '', location);
    }
    return candidates.filter((file) => parseDistributionName(file.filename)?.project === wanted);
}
/** Everything every source offers for `project`, with the sources that could not be read. */
async function listProjectFiles(sources, project) {
    const reads = [
        ...sources.indexUrls.map((url) => indexFiles(url, project)),
        ...sources.findLinks.map((location) => findLinksFiles(location, project)),
    ];
    const results = await Promise.allSettled(reads);
    const files = [];
    const unreachable = [];
    for (const result of results) {
        if (result.status === 'fulfilled')
            files.push(...result.value);
        else if (result.reason instanceof IndexUnreachable)
            unreachable.push(result.reason);
        else
            throw result.reason;
    }
    return { files, unreachable };
}

;// CONCATENATED MODULE: ./src/resolve/wheel-tags.ts
/** Name, version and tags of a wheel file name; undefined when it is not one. */
function parseWheelFilename(filename) {
    if (!filename.endsWith('.whl'))
        return undefined;
    const parts = filename.slice(0, -4).split('-');
    if (parts.length !== 5 && parts.length !== 6)
        return undefined;
    const [name, version] = parts;
    const [python, abi, platform] = parts.slice(-3);
    if (!name || !version || !python || !abi || !platform)
        return undefined;
    const tags = python
        .split('.')
        .flatMap((p) => abi.split('.').flatMap((a) => platform.split('.').map((pl) => ({ python: p, abi: a, platform: pl }))));
    return { name, version, tagText: `${python}-${abi}-${platform}`, tags };
}
const LEGACY = { manylinux1: 5, manylinux2010: 12, manylinux2014: 17 };
function platformVerdict(tag, target) {
    const platform = tag.platform;
    if (platform === 'any')
        return { ok: true };
    let glibcMinor;
    let glibcMajor = 2;
    let arch;
    const pep600 = /^manylinux_(\d+)_(\d+)_(.+)$/.exec(platform);
    const legacy = /^(manylinux1|manylinux2010|manylinux2014)_(.+)$/.exec(platform);
    if (pep600?.[1] && pep600[2] && pep600[3]) {
        glibcMajor = Number(pep600[1]);
        glibcMinor = Number(pep600[2]);
        arch = pep600[3];
    }
    else if (legacy?.[1] && legacy[2]) {
        glibcMinor = LEGACY[legacy[1]];
        arch = legacy[2];
    }
    if (glibcMinor !== undefined && arch) {
        if (arch !== target.wheelArch)
            return { kind: 'arch', arch, tag };
        const fits = glibcMajor < target.glibc.major ||
            (glibcMajor === target.glibc.major && glibcMinor <= target.glibc.minor);
        return fits ? { ok: true } : { kind: 'glibc', needs: { major: glibcMajor, minor: glibcMinor }, tag };
    }
    const linux = /^(linux|musllinux_\d+_\d+)_(.+)$/.exec(platform);
    if (linux?.[2]) {
        return linux[2] === target.wheelArch ? { kind: 'libc', tag } : { kind: 'arch', arch: linux[2], tag };
    }
    const os = platform.startsWith('win')
        ? 'Windows'
        : platform.startsWith('macosx')
            ? 'macOS'
            : platform.startsWith('ios')
                ? 'iOS'
                : platform.startsWith('android')
                    ? 'Android'
                    : platform;
    return { kind: 'os', os, tag };
}
/** pip's interpreter/ABI matching for CPython 3.M (packaging.tags.cpython_tags + compatible_tags). */
function pythonTagFits(tag, pythonVersion) {
    const minor = Number(pythonVersion.split('.')[1]);
    const cp = `cp3${minor}`;
    const interpreter = /^(cp|py)3(\d*)$/.exec(tag.python);
    if (!interpreter)
        return false;
    const interpreterMinor = interpreter[2] === '' ? undefined : Number(interpreter[2]);
    if (tag.abi === cp || tag.abi === `${cp}m`)
        return tag.python === cp;
    if (tag.abi === 'abi3') {
        return (interpreter[1] === 'cp' &&
            interpreterMinor !== undefined &&
            interpreterMinor >= 2 &&
            interpreterMinor <= minor);
    }
    if (tag.abi === 'none') {
        if (interpreter[1] === 'cp')
            return interpreterMinor === minor;
        return interpreterMinor === undefined || interpreterMinor <= minor;
    }
    return false;
}
/** Lower is closer to running: which miss to explain when no tag fits. */
function distance(problem, pythonOk) {
    if (problem.kind === 'python')
        return 1;
    const base = { glibc: 0, arch: 2, libc: 3, os: 7 }[problem.kind];
    return pythonOk || problem.kind === 'os' ? base : base + 4;
}
/**
 * Whether any of the wheel's tags runs on the target; when none does, the closest miss: a glibc
 * miss for our Python beats a wrong Python on a fitting platform, which beats a wrong arch or OS.
 */
function wheelVerdict(tags, target) {
    let best;
    for (const tag of tags) {
        const platform = platformVerdict(tag, target);
        const pythonOk = pythonTagFits(tag, target.pythonVersion);
        if ('ok' in platform && pythonOk)
            return { ok: true, tag };
        // A tag for another Python is a Python miss first, whatever else it misses.
        const problem = 'ok' in platform || (!pythonOk && platform.kind !== 'os') ? { kind: 'python', tag } : platform;
        const score = 'ok' in platform ? 1 : distance(platform, pythonOk);
        const closer = !best ||
            score < best.score ||
            (score === best.score &&
                problem.kind === 'glibc' &&
                best.problem.kind === 'glibc' &&
                lowerGlibc(problem, best.problem));
        if (closer)
            best = { problem, score };
    }
    return best
        ? { ok: false, ...best.problem }
        : { ok: false, kind: 'os', os: 'unknown', tag: { python: '', abi: '', platform: '' } };
}
function lowerGlibc(a, b) {
    return a.needs.major < b.needs.major || (a.needs.major === b.needs.major && a.needs.minor < b.needs.minor);
}

;// CONCATENATED MODULE: ./src/resolve/diagnose.ts
/**
 * Turns pip's "No matching distribution found for X" into an error a user can act on: read
 * what the indexes offer for X, say which limit of the target each close file breaks (glibc,
 * architecture, Python/ABI, OS, sdist only) and which change would fix it.
 */






/** The requirement pip could not satisfy, from its output. */
function parseUnresolvable(pipOutput) {
    const satisfies = /Could not find a version that satisfies the requirement (.+)$/m.exec(pipOutput)?.[1];
    const noMatch = /No matching distribution found for (.+)$/m.exec(pipOutput)?.[1];
    let text = (satisfies ?? noMatch)?.trim();
    if (!text)
        return undefined;
    text = text.replace(/\s*\(from versions:[^)]*\)\s*$/, '');
    let requiredBy;
    for (let m = /\s*\(from ([^()]*)\)$/.exec(text); m; m = /\s*\(from ([^()]*)\)$/.exec(text)) {
        requiredBy ??= m[1]?.replace(/^-r .*$/, '').trim() || undefined;
        text = text.slice(0, m.index);
    }
    const parsed = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:\(([^)]*)\)|([^;@]*))/.exec(text);
    if (!parsed?.[1])
        return undefined;
    return {
        requirement: text.trim(),
        name: parsed[1],
        specifier: (parsed[2] ?? parsed[3] ?? '').replace(/\s+/g, ''),
        requiredBy: requiredBy && !/^-r |^-c /.test(requiredBy) ? requiredBy : undefined,
    };
}
/**
 * The dependencies a ResolutionImpossible names as having "no matching distributions available
 * for your environment", with the specifier the conflict lines ask for ("" when they differ)
 * and who asked. pip reports a dependency with no fitting wheel this way when several versions
 * of the package requiring it were tried (matplotlib -> contourpy): it is no version conflict.
 */
function parseUnavailableInConflict(pipOutput) {
    const marker = 'no matching distributions available for your environment:';
    const at = pipOutput.indexOf(marker);
    if (at < 0)
        return [];
    const names = [];
    for (const line of pipOutput
        .slice(at + marker.length)
        .split('\n')
        .slice(1)) {
        const name = /^\s+([A-Za-z0-9][A-Za-z0-9._-]*)\s*$/.exec(line)?.[1];
        if (!name)
            break;
        names.push(name);
    }
    const wants = [
        ...pipOutput.matchAll(/^\s+([A-Za-z0-9][A-Za-z0-9._-]*) \S+ depends on ([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*([^;\s]*)/gm),
    ];
    return names.map((name) => {
        const asked = wants.filter((m) => normalizeProjectName(m[2] ?? '') === normalizeProjectName(name));
        const specifiers = unique(asked.map((m) => m[3] ?? ''));
        const specifier = specifiers.length === 1 ? (specifiers[0] ?? '') : '';
        const requiredBy = unique(asked.map((m) => m[1] ?? '')).join(', ') || undefined;
        return { requirement: `${name}${specifier}`, name, specifier, requiredBy };
    });
}
/** Index URLs and find-links pip said it used ("Looking in indexes: a, b", "Looking in links: c"). */
function parsePipSources(pipOutput) {
    const list = (label) => (new RegExp(`^Looking in ${label}: (.+)$`, 'm').exec(pipOutput)?.[1] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    return { indexUrls: list('indexes'), findLinks: list('links') };
}
function judge(file, target) {
    const wheel = parseWheelFilename(file.filename);
    if (wheel) {
        const verdict = wheelVerdict(wheel.tags, target);
        const pythonFits = !file.requiresPython || (0,pep440/* satisfies */.ib)(target.pythonFullVersion, file.requiresPython);
        const ok = verdict.ok && pythonFits;
        const problem = verdict.ok
            ? pythonFits
                ? undefined
                : { kind: 'python', tag: verdict.tag }
            : verdict;
        return { file, version: wheel.version, tagText: wheel.tagText, ok, problem, sdist: false };
    }
    const sdist = parseDistributionName(file.filename);
    if (!sdist)
        return undefined;
    return { file, version: sdist.version, tagText: 'sdist', ok: false, sdist: true };
}
const runtimeLabel = (target) => `${target.runtime} ${target.architecture}`;
const newerGlibc = (a, b) => a.major > b.major || (a.major === b.major && a.minor > b.minor);
/** What the closest version's files break, in one sentence. */
function explainVersion(name, version, files, target) {
    const wheels = files.filter((f) => !f.sdist);
    const tagList = files.map((f) => f.tagText).join(', ');
    if (wheels.length === 0) {
        return (`${name} ${version} is published only as a source distribution (sdist), and the build installs ` +
            `wheels only: a package compiled on this host may not run on Lambda`);
    }
    const problems = wheels.map((w) => w.problem).filter((p) => p !== undefined);
    const glibc = problems.filter((p) => p.kind === 'glibc');
    if (glibc.length > 0) {
        const lowest = glibc.reduce((a, b) => (newerGlibc(a.needs, b.needs) ? b : a));
        const limit = `${target.runtime} runs glibc ${(0,src_target/* glibcLabel */.E3)(target.glibc)} (${target.os})`;
        return glibc.length === 1
            ? `${limit}; the only ${name} ${version} wheel for ${target.wheelArch} needs ${(0,src_target/* glibcLabel */.E3)(lowest.needs)} (${lowest.tag.platform})`
            : `${limit}; the ${name} ${version} wheels for ${target.wheelArch} need glibc ${(0,src_target/* glibcLabel */.E3)(lowest.needs)} or newer`;
    }
    if (problems.some((p) => p.kind === 'python')) {
        const pythons = [...new Set(wheels.map((w) => w.tagText.split('-').slice(0, 2).join('-')))].join(', ');
        return `${name} ${version} has no wheel for Python ${target.pythonVersion} (${target.runtime} needs cp${target.pythonVersion.replace('.', '')}, abi3 or py3 tags); its wheels are tagged ${pythons}`;
    }
    const arches = [...new Set(problems.flatMap((p) => (p.kind === 'arch' ? [p.arch] : [])))];
    if (arches.length > 0) {
        return `${name} ${version} has Linux wheels only for ${arches.join(', ')}; the target architecture ${target.architecture} needs ${target.wheelArch} wheels`;
    }
    if (problems.some((p) => p.kind === 'libc')) {
        return `${name} ${version} has Linux wheels only with non-manylinux tags (${tagList}), which do not promise to run on ${target.os}`;
    }
    const systems = [...new Set(problems.flatMap((p) => (p.kind === 'os' ? [p.os] : [])))];
    return `${name} ${version} has wheels only for ${systems.join(' and ')} (${tagList}); Lambda runs ${target.os}`;
}
/** The fixes worth suggesting, most direct first. */
function suggestFixes(name, closest, matching, all, target) {
    const fixes = [];
    const compatible = all
        .filter((f) => f.ok && !f.file.yanked && !(0,pep440/* isPrerelease */.V1)(f.version))
        .sort((a, b) => (0,pep440/* compareVersions */.Zy)(b.version, a.version))[0];
    if (compatible) {
        fixes.push(`pin ${name}==${compatible.version} (the newest version with a wheel for ${runtimeLabel(target)})`);
    }
    else {
        fixes.push(`pin an older ${name} that has a wheel for ${runtimeLabel(target)} (the index has none)`);
    }
    const problems = closest.flatMap((f) => (f.problem ? [f.problem] : []));
    const glibcNeeds = problems.flatMap((p) => (p.kind === 'glibc' ? [p.needs] : []));
    if (glibcNeeds.length > 0) {
        const lowest = glibcNeeds.reduce((a, b) => (newerGlibc(a, b) ? b : a));
        // Only runtimes the index really has a wheel for (a cp311-only wheel needing glibc 2.28
        // fits no runtime: python3.12 has the glibc but not the Python).
        const fitting = src_target/* RUNTIMES */.aC.filter((r) => !r.deprecated &&
            newerGlibc(r.glibc, target.glibc) &&
            matching.some((f) => judge(f.file, { ...target, ...r })?.ok)).map((r) => r.runtime);
        if (fitting.length > 0) {
            fixes.push(`choose a runtime whose glibc fits and that the index has wheels for (${fitting.join(', ')})`);
        }
        else if (!src_target/* RUNTIMES */.aC.some((r) => !newerGlibc(lowest, r.glibc))) {
            fixes.push(`no Lambda runtime has glibc ${(0,src_target/* glibcLabel */.E3)(lowest)}`);
        }
    }
    // A glibc fix already names the newer runtimes; a wrong-Python fix would repeat them.
    if (problems.some((p) => p.kind === 'python') && glibcNeeds.length === 0) {
        const runtimes = src_target/* RUNTIMES */.aC.filter((r) => r.runtime !== target.runtime && closest.some((f) => judge(f.file, { ...target, ...r })?.ok)).map((r) => r.runtime);
        if (runtimes.length > 0)
            fixes.push(`choose runtime ${runtimes.join(' or ')}`);
    }
    if (problems.some((p) => p.kind === 'arch')) {
        const other = target.architecture === 'x86_64' ? 'arm64' : 'x86_64';
        const otherTarget = {
            ...target,
            architecture: other,
            wheelArch: other === 'arm64' ? 'aarch64' : 'x86_64',
        };
        if (closest.some((f) => judge(f.file, otherTarget)?.ok))
            fixes.push(`choose --arch ${other}`);
    }
    fixes.push(`build ${name} for ${target.os} ${target.wheelArch} elsewhere (pip wheel in an Amazon Linux or manylinux container) and pass that directory with --find-links DIR`);
    return fixes;
}
/** Default index pip uses when none is configured. */
const DEFAULT_INDEX_URL = 'https://pypi.org/simple';
/**
 * A ResolutionError explaining why `unresolved` has no install candidate for the target, or a
 * UserError naming an index that could not be read. Reads the indexes (bounded in time).
 */
async function diagnoseUnresolvable(unresolved, pipOutput, context) {
    const fromPip = parsePipSources(pipOutput);
    // pip prints credentials as "****": read the URLs we were given first, pip's only when new.
    const indexUrls = unique([...context.indexUrls, ...fromPip.indexUrls.filter((u) => !u.includes('****'))]);
    const sources = {
        indexUrls: indexUrls.length > 0 ? indexUrls : [DEFAULT_INDEX_URL],
        findLinks: unique([...context.findLinks, ...fromPip.findLinks]),
    };
    const { name, specifier, requirement } = unresolved;
    const listing = await listProjectFiles(sources, name);
    const line = findRequirementLine(context.snapshot, name);
    const location = line ? writtenAt(line) : undefined;
    const unreadable = listing.unreachable.map((u) => `${u.url} (${u.reason})`);
    if (listing.files.length === 0 && listing.unreachable.length > 0) {
        const [first] = listing.unreachable;
        return new errors/* UserError */.yo(`package index ${first?.url} cannot be reached (${first?.reason}) while looking for ${name}` +
            (listing.unreachable.length > 1 ? `; also unreachable: ${unreadable.slice(1).join(', ')}` : ''), {
            hint: 'check --index-url/--extra-index-url/--find-links (or pip config), the network and credentials',
        });
    }
    const requiredBy = unresolved.requiredBy ? ` (required by ${unresolved.requiredBy})` : '';
    const note = unreadable.length > 0 ? ` Could not read: ${unreadable.join(', ')}.` : '';
    const verdicts = listing.files.flatMap((f) => judge(f, context.target) ?? []);
    if (verdicts.length === 0) {
        return new errors/* ResolutionError */.fe(`no package index offers ${name}${requiredBy} (looked in ${[...sources.indexUrls, ...sources.findLinks].join(', ')}).${note}`, { hint: `check the name "${name}" and the index URL`, packageName: name, location });
    }
    const matching = verdicts.filter((v) => (0,pep440/* satisfies */.ib)(v.version, specifier));
    if (matching.length === 0) {
        const versions = unique(verdicts.map((v) => v.version)).sort(pep440/* compareVersions */.Zy);
        return new errors/* ResolutionError */.fe(`no version of ${name} matches ${requirement}${requiredBy}; the index offers ${versions.join(', ')}.${note}`, { hint: `change the version specifier of ${name}`, packageName: name, location });
    }
    const newest = matching.reduce((a, b) => ((0,pep440/* compareVersions */.Zy)(a.version, b.version) >= 0 ? a : b)).version;
    const closest = matching.filter((v) => v.version === newest);
    const reason = explainVersion(name, newest, closest, context.target);
    const offered = unique(closest.map((c) => c.tagText)).join(', ');
    const fixes = suggestFixes(name, closest, matching, verdicts, context.target);
    const noneFits = verdicts.some((v) => v.ok)
        ? ''
        : ` No version of ${name} on the index has a wheel for ${runtimeLabel(context.target)}.`;
    return new errors/* ResolutionError */.fe(`no wheel of ${requirement}${requiredBy} fits ${runtimeLabel(context.target)}: ${reason}. ` +
        `Files offered for ${name} ${newest}: ${offered}.${noneFits}${note}`, { hint: fixes.join('; or '), packageName: name, location });
}
function unique(values) {
    return [...new Set(values)];
}

;// CONCATENATED MODULE: ./src/resolve/requested.ts
/**
 * Which installed distributions were asked for. pip marks every line it installs as requested
 * (a REQUESTED file in the dist-info, listed in RECORD); a lock is installed as one line per
 * package, so pip would mark them all. The layer should be the same as one built from the
 * project's own requirements, and the import proof should import what the project imports: so
 * after a lock install, only the project's direct dependencies keep the mark. When the lock does
 * not say which they are (pylock.toml, Pipfile.lock), they are the installed distributions that
 * no other installed distribution requires.
 */




/** "Key: value" header values of METADATA, up to the body. */
function headerValues(text, key) {
    const head = text.split(/\r?\n\r?\n/)[0] ?? '';
    const prefix = `${key.toLowerCase()}:`;
    return head
        .split(/\r?\n/)
        .filter((line) => line.toLowerCase().startsWith(prefix))
        .map((line) => line.slice(prefix.length).trim());
}
async function installedDists(pythonDir) {
    const dists = [];
    for (const distInfo of (await (0,promises_.readdir)(pythonDir)).filter((n) => n.endsWith('.dist-info'))) {
        const metadata = await (0,promises_.readFile)((0,external_node_path_.join)(pythonDir, distInfo, 'METADATA'), 'utf8').catch(() => '');
        const name = headerValues(metadata, 'Name')[0];
        if (!name)
            continue;
        const requires = headerValues(metadata, 'Requires-Dist').flatMap((r) => {
            const m = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(r);
            return m ? [normalizeProjectName(m[0])] : [];
        });
        dists.push({ name: normalizeProjectName(name), distInfo, requires });
    }
    return dists;
}
/**
 * Keeps the requested mark on `direct` only (inferred when undefined); returns the packages with
 * `requested` set to match.
 */
async function markRequested(pythonDir, packages, direct) {
    const dists = await installedDists(pythonDir);
    const required = new Set(dists.flatMap((d) => d.requires.filter((r) => r !== d.name && dists.some((o) => o.name === r))));
    const wanted = new Set(direct ?? dists.filter((d) => !required.has(d.name)).map((d) => d.name));
    for (const dist of dists) {
        if (wanted.has(dist.name))
            continue;
        const requestedFile = (0,external_node_path_.join)(pythonDir, dist.distInfo, 'REQUESTED');
        if (!(0,external_node_fs_.existsSync)(requestedFile))
            continue;
        await (0,promises_.rm)(requestedFile);
        const recordFile = (0,external_node_path_.join)(pythonDir, dist.distInfo, 'RECORD');
        const record = await (0,promises_.readFile)(recordFile, 'utf8').catch(() => undefined);
        if (record !== undefined) {
            const entry = `${dist.distInfo}/REQUESTED,`;
            const kept = record.split('\n').filter((line) => !line.startsWith(entry));
            await (0,promises_.writeFile)(recordFile, kept.join('\n'));
        }
    }
    return packages.map((p) => ({ ...p, requested: wanted.has(normalizeProjectName(p.name)) }));
}

// EXTERNAL MODULE: ./src/resolve/run-python.ts
var run_python = __nccwpck_require__(9416);
;// CONCATENATED MODULE: ./src/resolve/sdist/candidate.ts
/**
 * Decides whether a requirement pip could not resolve is one the build may make from source:
 * its newest release that the requirements allow is published ONLY as a source distribution.
 * A release that has wheels, none of which fit the target, is compiled code built for other
 * platforms: it keeps the usual explanation and is never built here. Pure: callers pass the
 * files the indexes list.
 */




/**
 * The specifier of a requirement line ("foo[x] >=1,<2 ; marker --hash=..." -> ">=1,<2"), or
 * undefined when the line names a URL (`foo @ https://...`) rather than versions.
 */
function lineSpecifier(text) {
    const rest = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*(.*)$/.exec(text)?.[1] ?? '';
    if (rest.startsWith('@'))
        return undefined;
    const beforeOptions = rest.split(/\s--|^--/)[0] ?? '';
    const beforeMarker = beforeOptions.split(';')[0] ?? '';
    return beforeMarker.replace(/[()\s]/g, '');
}
/** `--hash=algo:hex` values on a requirement line, as pip writes them after `--hash=`. */
function lineHashes(text) {
    return [...text.matchAll(/--hash(?:=|\s+)([A-Za-z0-9]+:[A-Fa-f0-9]+)/g)].flatMap((m) => m[1] ? [m[1]] : []);
}
/** Specifiers every line of the requirements (and constraints) puts on `project`. */
function specifiersFor(snapshot, project) {
    const name = normalizeProjectName(project);
    return snapshot.requirements
        .filter((line) => line.name === name)
        .flatMap((line) => {
        const specifier = lineSpecifier(line.text);
        return specifier ? [specifier] : [];
    });
}
/** Hash pins of `project` from its requirement lines (empty when it is not hash-pinned). */
function hashPinsFor(snapshot, project) {
    const name = normalizeProjectName(project);
    const hashes = snapshot.requirements
        .filter((line) => line.name === name)
        .flatMap((l) => lineHashes(l.text));
    return [...new Set(hashes)];
}
/**
 * The newest non-yanked release of `project` allowed by every specifier, when that release is
 * published only as an sdist; undefined when it has any wheel (or no release is allowed).
 */
function sdistOnlyRelease(project, specifiers, files) {
    const name = normalizeProjectName(project);
    const releases = files.flatMap((file) => {
        const parsed = parseDistributionName(file.filename);
        if (!parsed || parsed.project !== name || file.yanked)
            return [];
        if (!specifiers.every((specifier) => (0,pep440/* satisfies */.ib)(parsed.version, specifier)))
            return [];
        return [{ file, version: parsed.version, wheel: parseWheelFilename(file.filename) !== undefined }];
    });
    if (releases.length === 0)
        return undefined;
    const newest = releases.reduce((a, b) => ((0,pep440/* compareVersions */.Zy)(a.version, b.version) >= 0 ? a : b)).version;
    const release = releases.filter((r) => (0,pep440/* compareVersions */.Zy)(r.version, newest) === 0);
    if (release.some((r) => r.wheel))
        return undefined;
    // Prefer the .tar.gz (PEP 625's format) when a release also has a .zip.
    const sdist = [...release].sort((a, b) => sdistRank(a.file.filename) - sdistRank(b.file.filename))[0];
    return sdist ? { project: name, version: sdist.version, sdistFile: sdist.file.filename } : undefined;
}
const sdistRank = (filename) => (filename.endsWith('.tar.gz') ? 0 : 1);

;// CONCATENATED MODULE: ./src/resolve/sdist/hash-pins.ts
/**
 * In hash-checking mode pip installs a file only when its sha256 is pinned on the requirement
 * line, so a wheel built from a pinned sdist would be refused. The build checked the sdist
 * against the user's pins before building it, so the wheel's own hash is added to those lines,
 * in a copy of the requirements files (the user's files are never touched). Constraint files
 * cannot add hashes: pip intersects them with the requirement's.
 */



/**
 * Each file's text with `--hash=<pin>` appended to every hash-pinned line naming a project in
 * `extraPins` (normalized name -> pins). Pure.
 */
function addHashPins(snapshot, extraPins) {
    const edited = new Map();
    for (const line of snapshot.requirements) {
        const pins = line.name ? extraPins.get(line.name) : undefined;
        if (!pins?.length || lineHashes(line.text).length === 0)
            continue;
        const content = snapshot.files.find((f) => f.path === line.file)?.content;
        if (content === undefined)
            continue;
        const physical = edited.get(line.file) ?? content.split(/\r?\n/);
        // The logical line runs from its first physical line through every backslash continuation.
        let last = line.line - 1;
        while (last < physical.length - 1 && (physical[last] ?? '').endsWith('\\'))
            last++;
        const added = pins.map((pin) => ` --hash=${pin}`).join('');
        physical[last] = (physical[last] ?? '').replace(/(\s+#.*)?$/, (comment) => `${added}${comment}`);
        edited.set(line.file, physical);
    }
    return new Map([...edited].map(([file, lines]) => [file, lines.join('\n')]));
}
/**
 * Writes a copy of every requirements file under `dir` (same absolute layout, so relative -r/-c
 * includes still meet each other) with the extra pins added; returns the copy of the root
 * file, or undefined when no hash-pinned line needed a pin (the original file serves).
 */
async function writeRequirementsWithPins(snapshot, extraPins, dir) {
    const edited = addHashPins(snapshot, extraPins);
    if (edited.size === 0)
        return undefined;
    for (const file of snapshot.files) {
        const copy = (0,external_node_path_.join)(dir, file.path);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(copy), { recursive: true });
        await (0,promises_.writeFile)(copy, edited.get(file.path) ?? file.content);
    }
    return (0,external_node_path_.join)(dir, snapshot.file);
}

;// CONCATENATED MODULE: ./src/resolve/sdist/build-wheel.ts
/**
 * Builds one wheel from a release's sdist with `pip wheel`: pip downloads the sdist from the
 * same indexes as the install (checking --hash pins when the requirements have them) and
 * builds it in an isolated environment whose build backend (setuptools, hatchling, ...) it
 * installs from those indexes too. This runs the package's build code on this machine.
 */





/**
 * 1980-01-01, the earliest time a zip can record: with SOURCE_DATE_EPOCH set, setuptools'
 * bdist_wheel writes fixed timestamps, so the same sdist builds the same wheel bytes.
 */
const DEFAULT_SOURCE_DATE_EPOCH = '315532800';
/** The `pip wheel` arguments; `requirement` is `name==version` or `-r FILE` (hash pins). */
function pipWheelArgs(request, requirement) {
    return [
        // `python <home>/pip` runs pip's __main__, which puts <home> on sys.path: the pinned pip,
        // also for the build-dependency installs it starts in subprocesses the same way.
        (0,external_node_path_.join)(request.pip.home, 'pip'),
        'wheel',
        '--no-deps',
        // A fresh build every time: pip's wheel cache could hand back a wheel built elsewhere by
        // another backend version (its WHEEL file would then differ and so would the layer).
        '--no-cache-dir',
        // Only this project from source: its build backend still comes as a wheel.
        '--no-binary',
        request.project,
        '--wheel-dir',
        request.outDir,
        '--no-input',
        '--disable-pip-version-check',
        '--progress-bar',
        'off',
        ...request.indexFlags,
        ...requirement,
    ];
}
async function buildWheelFromSdist(request) {
    await (0,promises_.rm)(request.outDir, { recursive: true, force: true });
    await (0,promises_.mkdir)(request.outDir, { recursive: true });
    const pinned = `${request.project}==${request.version}`;
    let requirement = [pinned];
    if (request.hashes.length > 0) {
        // Hash pins can only be given in a requirements file; pip then checks the sdist against them.
        const file = (0,external_node_path_.join)(request.outDir, '..', `${request.project}-hashes.txt`);
        await (0,promises_.writeFile)(file, `${pinned} ${request.hashes.map((h) => `--hash=${h}`).join(' ')}\n`);
        requirement = ['-r', file];
    }
    const args = pipWheelArgs(request, requirement);
    request.log.debug(`${request.pip.python.path} ${args.join(' ')}`);
    const base = request.env ?? process.env;
    const run = await (0,run_python/* runPython */.w)(request.pip.python.path, args, {
        log: request.log,
        env: {
            ...base,
            SOURCE_DATE_EPOCH: base.SOURCE_DATE_EPOCH ?? DEFAULT_SOURCE_DATE_EPOCH,
            PYTHONHASHSEED: '0',
        },
        cwd: (0,external_node_path_.join)(request.outDir, '..'),
        timeoutMs: request.timeoutMs,
    });
    if (run.code !== 0 || run.timedOut)
        return { ok: false, output: run.output, timedOut: run.timedOut };
    const wheels = (await (0,promises_.readdir)(request.outDir)).filter((file) => normalizeProjectName(parseWheelFilename(file)?.name ?? '') === request.project);
    const [wheelFile] = wheels;
    if (!wheelFile || wheels.length > 1) {
        return {
            ok: false,
            output: `${run.output}\npip wheel left ${wheels.length} wheels of ${pinned}`,
            timedOut: false,
        };
    }
    return { ok: true, wheelFile, wheelPath: (0,external_node_path_.join)(request.outDir, wheelFile) };
}

;// CONCATENATED MODULE: ./src/verify/elf.ts
/**
 * A small ELF reader: just what layer verification needs, without binutils (not on every
 * user's machine). Pure: takes the file's bytes, returns plain data, throws ElfFormatError on
 * a truncated or inconsistent file.
 *
 * References: the System V gABI (ELF header, program and section headers, dynamic section) and
 * the LSB "Symbol Versioning" chapter (SHT_GNU_verneed = .gnu.version_r: Elfxx_Verneed /
 * Elfxx_Vernaux records, identical in layout for 32- and 64-bit files).
 */
class ElfFormatError extends Error {
    constructor(message) {
        super(message);
        this.name = 'ElfFormatError';
    }
}
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
const MACHINE_NAMES = {
    2: 'SPARC',
    3: 'x86 (i386)',
    8: 'MIPS',
    20: 'PowerPC',
    21: 'PowerPC64',
    22: 's390',
    40: 'ARM (32-bit)',
    43: 'SPARC v9',
    50: 'IA-64',
    62: 'x86-64',
    183: 'AArch64',
    243: 'RISC-V',
    258: 'LoongArch',
};
function machineName(machine) {
    return MACHINE_NAMES[machine] ?? `machine ${machine}`;
}
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
/** Guard against corrupt counts sending the walk around a loop forever. */
const MAX_RECORDS = 100_000;
function isElf(bytes) {
    return (bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46);
}
/** Reads fixed-width integers at offsets, honouring the file's class and byte order. */
class Reader {
    buf;
    is64;
    little;
    constructor(buf, is64, little) {
        this.buf = buf;
        this.is64 = is64;
        this.little = little;
    }
    check(offset, size) {
        if (!Number.isSafeInteger(offset) || offset < 0 || offset + size > this.buf.length) {
            throw new ElfFormatError(`truncated: read of ${size} bytes at offset ${offset} beyond ${this.buf.length}`);
        }
    }
    u16(offset) {
        this.check(offset, 2);
        return this.little ? this.buf.readUInt16LE(offset) : this.buf.readUInt16BE(offset);
    }
    u32(offset) {
        this.check(offset, 4);
        return this.little ? this.buf.readUInt32LE(offset) : this.buf.readUInt32BE(offset);
    }
    u64(offset) {
        this.check(offset, 8);
        const value = this.little ? this.buf.readBigUInt64LE(offset) : this.buf.readBigUInt64BE(offset);
        // Offsets/sizes beyond 2^53 cannot be real in a file we hold in memory; tags like
        // DT_VERNEED fit easily. Clamp to keep number arithmetic exact.
        return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
    }
    /** Elf32_Addr/Off/Xword-sized field: 4 bytes in 32-bit files, 8 in 64-bit. */
    word(offset) {
        return this.is64 ? this.u64(offset) : this.u32(offset);
    }
    cstring(offset, limit = this.buf.length) {
        this.check(offset, 1);
        const end = this.buf.indexOf(0, offset);
        const stop = end === -1 || end > limit ? limit : end;
        return this.buf.toString('latin1', offset, stop);
    }
}
function parseElf(bytes) {
    if (!isElf(bytes))
        throw new ElfFormatError('not an ELF file (bad magic)');
    if (bytes.length < 52)
        throw new ElfFormatError('truncated ELF header');
    const klass = bytes[4];
    const data = bytes[5];
    if (klass !== 1 && klass !== 2)
        throw new ElfFormatError(`unknown ELF class ${klass}`);
    if (data !== 1 && data !== 2)
        throw new ElfFormatError(`unknown ELF data encoding ${data}`);
    const r = new Reader(bytes, klass === 2, data === 1);
    const type = r.u16(16);
    const machine = r.u16(18);
    const phoff = r.word(r.is64 ? 32 : 28);
    const shoff = r.word(r.is64 ? 40 : 32);
    const phentsize = r.u16(r.is64 ? 54 : 42);
    const phnum = r.u16(r.is64 ? 56 : 44);
    const shentsize = r.u16(r.is64 ? 58 : 46);
    const shnum = r.u16(r.is64 ? 60 : 48);
    const segments = readSegments(r, phoff, phentsize, phnum);
    const sections = readSections(r, shoff, shentsize, shnum);
    const interpSegment = segments.find((s) => s.type === PT_INTERP);
    const interpreter = interpSegment
        ? r.cstring(interpSegment.offset, interpSegment.offset + interpSegment.filesz)
        : undefined;
    const dynamic = readDynamic(r, segments, sections);
    const needed = [];
    let soname;
    let versionNeeds = [];
    if (dynamic) {
        const { entries, strtab } = dynamic;
        for (const entry of entries) {
            if (entry.tag === DT_NEEDED)
                needed.push(r.cstring(strtab + entry.value));
            if (entry.tag === DT_SONAME)
                soname = r.cstring(strtab + entry.value);
        }
        versionNeeds = readVersionNeeds(r, segments, sections, entries, strtab);
    }
    const musl = (interpreter !== undefined && /(^|\/)ld-musl-/.test(interpreter)) ||
        needed.some((lib) => /^libc\.musl-/.test(lib));
    return {
        elfClass: r.is64 ? 64 : 32,
        endianness: r.little ? 'little' : 'big',
        machine,
        machineName: machineName(machine),
        type,
        isSharedObject: type === 3,
        interpreter,
        needed,
        soname,
        versionNeeds,
        musl,
    };
}
function readSegments(r, phoff, phentsize, phnum) {
    if (phoff === 0 || phnum === 0)
        return [];
    const segments = [];
    for (let i = 0; i < phnum; i++) {
        const at = phoff + i * phentsize;
        // Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz...; Elf32_Phdr: type, offset, vaddr, paddr, filesz...
        segments.push(r.is64
            ? { type: r.u32(at), offset: r.u64(at + 8), vaddr: r.u64(at + 16), filesz: r.u64(at + 32) }
            : { type: r.u32(at), offset: r.u32(at + 4), vaddr: r.u32(at + 8), filesz: r.u32(at + 16) });
    }
    return segments;
}
function readSections(r, shoff, shentsize, shnum) {
    // Stripped section tables (sstrip) and e_shnum = 0 overflow cases fall back to segments.
    if (shoff === 0 || shnum === 0 || shoff + shnum * shentsize > r.buf.length)
        return [];
    const sections = [];
    for (let i = 0; i < shnum; i++) {
        const at = shoff + i * shentsize;
        sections.push(r.is64
            ? {
                type: r.u32(at + 4),
                offset: r.u64(at + 24),
                size: r.u64(at + 32),
                link: r.u32(at + 40),
                info: r.u32(at + 44),
            }
            : {
                type: r.u32(at + 4),
                offset: r.u32(at + 16),
                size: r.u32(at + 20),
                link: r.u32(at + 24),
                info: r.u32(at + 28),
            });
    }
    return sections;
}
/** Maps a virtual address to a file offset through the PT_LOAD segment that contains it. */
function addressToOffset(segments, address) {
    for (const segment of segments) {
        if (segment.type === PT_LOAD && address >= segment.vaddr && address < segment.vaddr + segment.filesz) {
            return segment.offset + (address - segment.vaddr);
        }
    }
    return undefined;
}
/**
 * The dynamic section and the file offset of its string table. Sections name their string
 * table directly (sh_link); without sections we do what the dynamic loader does: PT_DYNAMIC,
 * then DT_STRTAB's address mapped through the PT_LOAD segments.
 */
function readDynamic(r, segments, sections) {
    const dynSection = sections.find((s) => s.type === SHT_DYNAMIC);
    const dynSegment = segments.find((s) => s.type === PT_DYNAMIC);
    const location = dynSection
        ? { offset: dynSection.offset, size: dynSection.size }
        : dynSegment
            ? { offset: dynSegment.offset, size: dynSegment.filesz }
            : undefined;
    if (!location)
        return undefined;
    const entrySize = r.is64 ? 16 : 8;
    const entries = [];
    for (let at = location.offset; at + entrySize <= location.offset + location.size; at += entrySize) {
        const tag = r.word(at);
        if (tag === DT_NULL)
            break;
        entries.push({ tag, value: r.word(at + entrySize / 2) });
    }
    const linked = dynSection ? sections[dynSection.link] : undefined;
    let strtab = linked?.offset;
    if (strtab === undefined) {
        const address = entries.find((e) => e.tag === DT_STRTAB)?.value;
        strtab = address === undefined ? undefined : addressToOffset(segments, address);
    }
    if (strtab === undefined) {
        // Names (DT_NEEDED, DT_SONAME, version needs) live in the string table: without one they
        // cannot be read, and a loader could not read them either.
        if (entries.some((e) => e.tag === DT_NEEDED)) {
            throw new ElfFormatError('dynamic section names libraries but has no string table');
        }
        return { entries, strtab: 0 };
    }
    return { entries, strtab };
}
/**
 * Walks the Verneed chain: each Verneed names a library (vn_file) and points (vn_aux, relative)
 * at vn_cnt Vernaux records, each naming one version (vna_name); vn_next/vna_next are relative
 * byte offsets to the next record, 0 at the end. Names are offsets into the dynamic string table.
 */
function readVersionNeeds(r, segments, sections, dynamic, dynstr) {
    const section = sections.find((s) => s.type === SHT_GNU_VERNEED);
    let start;
    let count;
    let strtab = dynstr;
    if (section) {
        start = section.offset;
        count = section.info; // sh_info = number of Verneed entries
        const linked = sections[section.link];
        if (linked)
            strtab = linked.offset;
    }
    else {
        const address = dynamic.find((e) => e.tag === DT_VERNEED)?.value;
        if (address !== undefined)
            start = addressToOffset(segments, address);
        count = dynamic.find((e) => e.tag === DT_VERNEEDNUM)?.value;
    }
    if (start === undefined || !count)
        return [];
    const needs = [];
    let at = start;
    for (let i = 0; i < Math.min(count, MAX_RECORDS); i++) {
        const auxCount = r.u16(at + 2);
        const file = r.cstring(strtab + r.u32(at + 4));
        const auxOffset = r.u32(at + 8);
        const next = r.u32(at + 12);
        const versions = [];
        let aux = at + auxOffset;
        for (let j = 0; j < Math.min(auxCount, MAX_RECORDS); j++) {
            versions.push(r.cstring(strtab + r.u32(aux + 8)));
            const auxNext = r.u32(aux + 12);
            if (auxNext === 0)
                break;
            aux += auxNext;
        }
        needs.push({ file, versions });
        if (next === 0)
            break;
        at += next;
    }
    return needs;
}

;// CONCATENATED MODULE: ./src/verify/binary-kind.ts
/**
 * What kind of native binary a file is, from its first bytes (and, for Windows/macOS names, its
 * file name). Pure: callers read the head of the file (HEAD_BYTES is enough) and pass it in.
 */

/** Bytes of a file's head that `binaryKindOf` needs: DOS stub + e_lfanew + PE signature. */
const HEAD_BYTES = 4096;
const WINDOWS_NAMES = /\.(pyd|dll)$/i;
const MACOS_NAMES = /\.dylib$/i;
// Mach-O magics (mach-o/loader.h, mach-o/fat.h), as the first 4 bytes read big-endian:
// thin 32/64-bit in either byte order, and universal ("fat") headers, 32- and 64-bit offsets.
const MACHO_THIN = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]);
const MACHO_FAT = new Set([0xcafebabe, 0xcafebabf]);
function binaryKindOf(head, fileName) {
    if (isElf(head))
        return { kind: 'elf' };
    if (head.length >= 4) {
        const magic = head.readUInt32BE(0);
        if (MACHO_THIN.has(magic))
            return { kind: 'mach-o' };
        // 0xcafebabe is also a Java class file; file(1) tells them apart by the next word: a fat
        // header's architecture count is small, a class file's version (>= 45) is not.
        if (MACHO_FAT.has(magic) && head.length >= 8) {
            const count = head.readUInt32BE(4);
            if (count > 0 && count < 20)
                return { kind: 'mach-o' };
        }
    }
    const pe = peHeader(head);
    if (pe)
        return { kind: 'pe', peDll: pe.dll || WINDOWS_NAMES.test(fileName) };
    if (WINDOWS_NAMES.test(fileName))
        return { kind: 'pe', peDll: true, byName: true };
    if (MACOS_NAMES.test(fileName))
        return { kind: 'mach-o', byName: true };
    return { kind: 'none' };
}
/**
 * A PE image starts with the DOS "MZ" stub whose e_lfanew (offset 0x3c) points at "PE\0\0";
 * the COFF Characteristics word 22 bytes further has IMAGE_FILE_DLL (0x2000) for DLLs.
 * Checking the PE signature, not just "MZ", keeps text files that start with "MZ" out.
 */
function peHeader(head) {
    if (head.length < 0x40 || head.toString('latin1', 0, 2) !== 'MZ')
        return undefined;
    const lfanew = head.readUInt32LE(0x3c);
    if (lfanew < 0x40 || lfanew + 24 > head.length)
        return undefined;
    if (head.toString('latin1', lfanew, lfanew + 4) !== 'PE\0\0')
        return undefined;
    return { dll: (head.readUInt16LE(lfanew + 22) & 0x2000) !== 0 };
}

// EXTERNAL MODULE: ./src/zip/reader.ts + 4 modules
var reader = __nccwpck_require__(9100);
;// CONCATENATED MODULE: ./src/resolve/sdist/purity.ts
/**
 * Whether a wheel built on this host may go into a Lambda layer: only a pure-Python wheel runs
 * the same everywhere. Both its tags (no ABI, platform "any") and its content (no native
 * library or object file, whatever its name or tag claims) must say so.
 */






/** Names of files that hold native code, whatever their first bytes. */
const NATIVE_NAMES = /\.(so|pyd|dll|dylib)$|\.so\.\d+(\.\d+)*$/i;
/** `ar` archives (static libraries, .a/.lib) start with this. */
const AR_MAGIC = Buffer.from('!<arch>\n', 'latin1');
/** py3-none-any, py2.py3-none-any (and interpreter-specific pure tags such as py311-none-any). */
function hasPureTags(wheelFile) {
    const wheel = parseWheelFilename(wheelFile);
    return Boolean(wheel &&
        wheel.tags.length > 0 &&
        wheel.tags.every((t) => /^(py|cp)\d+$/.test(t.python) && t.abi === 'none' && t.platform === 'any'));
}
/** Whether a file (by name and first bytes) is native code. */
function isCompiledFile(name, head) {
    if (NATIVE_NAMES.test(name))
        return true;
    if (head.subarray(0, AR_MAGIC.length).equals(AR_MAGIC))
        return true;
    return binaryKindOf(head, name).kind !== 'none';
}
async function* walk(dir) {
    for (const entry of await (0,promises_.readdir)(dir, { withFileTypes: true })) {
        const path = (0,external_node_path_.join)(dir, entry.name);
        if (entry.isDirectory())
            yield* walk(path);
        else if (entry.isFile())
            yield path;
    }
}
async function readHead(path) {
    const file = await (0,promises_.open)(path, 'r');
    try {
        const buffer = Buffer.alloc(HEAD_BYTES);
        const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
        return buffer.subarray(0, bytesRead);
    }
    finally {
        await file.close();
    }
}
/** Inspects `wheelPath`, unpacking it into `scratchDir` (which the caller removes). */
async function inspectWheel(wheelPath, scratchDir) {
    const name = wheelPath.split(external_node_path_.sep).pop() ?? wheelPath;
    const pureTags = hasPureTags(name);
    // A wheel that would unzip past what a layer may hold could never ship: refuse it unread.
    await (0,reader/* extractZip */.JE)(wheelPath, scratchDir, { maxBytes: src_target/* LAMBDA_LIMITS */.FZ.unzippedBytes });
    const compiledFiles = [];
    for await (const path of walk(scratchDir)) {
        const inside = (0,external_node_path_.relative)(scratchDir, path).split(external_node_path_.sep).join('/');
        if (isCompiledFile(inside, await readHead(path)))
            compiledFiles.push(inside);
    }
    compiledFiles.sort();
    return {
        pureTags,
        tagText: parseWheelFilename(name)?.tagText ?? 'unknown',
        compiledFiles,
        pure: pureTags && compiledFiles.length === 0,
    };
}

;// CONCATENATED MODULE: ./src/resolve/sdist/wheelhouse.ts
/**
 * The sdist fallback of the install: when pip finds no wheel at all for a requirement, build
 * the release's sdist into a wheel on this host, keep it only when it is pure Python, and put
 * it into a wheelhouse inside the build's work dir that the next resolution reads through
 * --find-links. pip still resolves the whole graph for the target; the wheelhouse is one more
 * source. Building runs the package's build code, so every build is announced in the log.
 */











/** Bound on source builds in one install: each one costs a build and another resolution. */
const MAX_SOURCE_BUILDS = 20;
/**
 * The sdist-only release pip's failure is about, when `unresolved` names one; undefined when
 * the project has wheels (none fitting), is unknown, or its indexes cannot be read: the usual
 * diagnosis explains those.
 */
async function findSdistOnlyRelease(unresolved, pipOutput, context) {
    const fromPip = parsePipSources(pipOutput);
    // pip prints credentials as "****": read the URLs we were given first, pip's only when new.
    const indexUrls = [
        ...new Set([...context.indexUrls, ...fromPip.indexUrls.filter((u) => !u.includes('****'))]),
    ];
    const sources = {
        indexUrls: indexUrls.length > 0 ? indexUrls : [DEFAULT_INDEX_URL],
        findLinks: [...new Set([...context.findLinks, ...fromPip.findLinks])],
    };
    const listing = await listProjectFiles(sources, unresolved.name);
    const specifiers = [unresolved.specifier, ...specifiersFor(context.snapshot, unresolved.name)];
    const release = sdistOnlyRelease(unresolved.name, specifiers, listing.files);
    return release && { ...release, requiredBy: unresolved.requiredBy };
}
/** Today's "only an sdist" error, with the way out that `sdist: pure` offers. */
function withPureHint(error, release) {
    if (!(error instanceof errors/* ResolutionError */.fe))
        return error;
    const pure = `if ${release.project} is pure Python, set sdist: pure (CLI: --sdist pure) to build it from source ` +
        `on this machine (that runs its build code)`;
    return new errors/* ResolutionError */.fe(error.message, {
        hint: error.hint ? `${error.hint}; or ${pure}` : pure,
        packageName: error.packageName,
        location: error.location,
    });
}
const wheelhouse_runtimeLabel = (target) => `${target.runtime} ${target.architecture}`;
/** The ways out for a source package that cannot be built into a pure wheel here. */
function waysOut(release, target) {
    const { project, version } = release;
    return [
        `pin a version of ${project} that publishes wheels for ${wheelhouse_runtimeLabel(target)}`,
        `choose a runtime for which ${project} publishes wheels`,
        `build it on ${target.os} ${target.wheelArch} (e.g. \`pip wheel ${project}==${version} -w wheels/\` in an Amazon Linux or manylinux container) and pass that directory with --find-links DIR`,
    ].join('; or ');
}
/** Wheels built from sdists in this install, kept in `dir` for --find-links. */
class Wheelhouse {
    dir;
    wheels = new Map();
    constructor(dir) {
        this.dir = dir;
    }
    get size() {
        return this.wheels.size;
    }
    has(project) {
        return this.wheels.has(normalizeProjectName(project));
    }
    built() {
        return [...this.wheels.values()];
    }
    /** The --find-links source to add to the resolution (none before the first build). */
    findLinks() {
        return this.wheels.size > 0 ? [this.dir] : [];
    }
    /** Each built project's wheel hash, as a pip `--hash` value. */
    hashPins() {
        return new Map(this.built().map((w) => [w.project, [`sha256:${w.sha256}`]]));
    }
    /**
     * Builds `release` from source into the wheelhouse, or throws a ResolutionError naming it:
     * compiled code, a failed build, or too many source builds.
     */
    async build(release, context) {
        const { project, version } = release;
        const { target, log } = context;
        const line = findRequirementLine(context.snapshot, project);
        const location = line ? writtenAt(line) : undefined;
        const requiredBy = release.requiredBy ? ` (required by ${release.requiredBy})` : '';
        if (this.wheels.size >= MAX_SOURCE_BUILDS) {
            throw new errors/* ResolutionError */.fe(`${project} ${version}${requiredBy} is published only as source, and this build already built ${MAX_SOURCE_BUILDS} packages from source; it stops here`, {
                hint: `build these packages into wheels elsewhere and pass them with --find-links DIR`,
                packageName: project,
                location,
            });
        }
        log.info(`Building ${project} ${version} from source: this runs the package's setup code on this machine ` +
            `(${release.sdistFile}${requiredBy} has no wheel; sdist policy "pure")`);
        // The build (and any setup.py logic choosing dependencies) runs on this host's Python;
        // pip then checks the wheel's Requires-Python and dependencies against the target.
        const hostMinor = context.pip.python.version.split('.').slice(0, 2).join('.');
        if (hostMinor !== target.pythonVersion) {
            log.warn(`${project} is built with Python ${context.pip.python.version}, not the target's ${target.pythonVersion}: ` +
                'a setup script that picks dependencies by Python version picks them for the build interpreter');
        }
        const scratch = (0,external_node_path_.join)(context.workDir, 'sdist-build', project);
        try {
            const result = await buildWheelFromSdist({
                pip: context.pip,
                project,
                version,
                hashes: hashPinsFor(context.snapshot, project),
                indexFlags: context.indexFlags,
                outDir: (0,external_node_path_.join)(scratch, 'wheel'),
                log,
                env: context.env,
                timeoutMs: context.timeoutMs,
            });
            if (!result.ok)
                throw buildFailure(release, requiredBy, result.output, result.timedOut, target, location);
            const purity = await inspectWheel(result.wheelPath, (0,external_node_path_.join)(scratch, 'inspect'));
            if (!purity.pure) {
                const files = purity.compiledFiles;
                const shown = files.length > 0 ? `: ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', ...' : ''}` : '';
                throw new errors/* ResolutionError */.fe(`${project} ${version}${requiredBy} is published only as source and contains compiled code: building it here ` +
                    `made ${result.wheelFile} (tags ${purity.tagText})${shown}. Code compiled on this machine is not ` +
                    `built for ${wheelhouse_runtimeLabel(target)} (${target.os}, glibc ${(0,src_target/* glibcLabel */.E3)(target.glibc)}), so the build refuses it.`, { hint: waysOut(release, target), packageName: project, location });
            }
            await (0,promises_.mkdir)(this.dir, { recursive: true });
            await (0,promises_.rename)(result.wheelPath, (0,external_node_path_.join)(this.dir, result.wheelFile));
            const sha256 = (0,external_node_crypto_.createHash)('sha256')
                .update(await (0,promises_.readFile)((0,external_node_path_.join)(this.dir, result.wheelFile)))
                .digest('hex');
            const built = { ...release, wheelFile: result.wheelFile, sha256 };
            this.wheels.set(project, built);
            log.info(`Built ${result.wheelFile} (pure Python); resolving again with it`);
            return built;
        }
        finally {
            await (0,promises_.rm)(scratch, { recursive: true, force: true });
        }
    }
}
function buildFailure(release, requiredBy, output, timedOut, target, location) {
    const { project, version } = release;
    const packageName = project;
    const errorLines = output
        .split('\n')
        .filter((l) => l.trim())
        .slice(-15)
        .join('\n');
    if (timedOut) {
        return new errors/* ResolutionError */.fe(`building ${project} ${version}${requiredBy} from source did not finish in time and was stopped`, {
            hint: waysOut(release, target),
            packageName,
            location,
        });
    }
    if (/DO NOT MATCH THE HASHES/.test(output)) {
        return new errors/* ResolutionError */.fe(`the source distribution of ${project} ${version}${requiredBy} does not match its --hash pin:\n${errorLines}`, {
            hint: 'regenerate the hashes (pip-compile --generate-hashes) or fix the pin; never disable the check',
            packageName,
            location,
        });
    }
    if (/install build dependencies did not run successfully|Installing build dependencies: finished with status 'error'/.test(output)) {
        return new errors/* ResolutionError */.fe(`${project} ${version}${requiredBy} has no wheel, and its build backend could not be installed to build it from source:\n${errorLines}`, {
            hint: 'the isolated build installs the backend the sdist names (setuptools, hatchling, ...) from the same indexes: ' +
                `make it available there or through --find-links; or ${waysOut(release, target)}`,
            packageName,
            location,
        });
    }
    return new errors/* ResolutionError */.fe(`${project} ${version}${requiredBy} has no wheel, and building it from source failed (a package that needs a compiler ` +
        `or system libraries contains compiled code, which this build refuses anyway):\n${errorLines}`, { hint: waysOut(release, target), packageName, location });
}

;// CONCATENATED MODULE: ./src/concurrency.ts
/** The one concurrency limit of the tool: at most N async jobs at once, first come first served. */
/** Runs at most `limit` async jobs at once, first come first served. */
class Limiter {
    limit;
    active = 0;
    waiting = [];
    constructor(limit) {
        this.limit = limit;
    }
    async run(job) {
        if (this.active >= this.limit)
            await new Promise((resolve) => this.waiting.push(resolve));
        this.active++;
        try {
            return await job();
        }
        finally {
            this.active--;
            this.waiting.shift()?.();
        }
    }
}
/** `work` over every item, at most `limit` at once; results in the items' order. */
async function mapLimited(items, limit, work) {
    const limiter = new Limiter(limit);
    return Promise.all(items.map((item) => limiter.run(() => work(item))));
}

;// CONCATENATED MODULE: ./src/zip/tree.ts



function witnessOf(stat) {
    return { ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs };
}
function sameWitness(a, b) {
    return (a !== undefined &&
        b !== undefined &&
        a.ino === b.ino &&
        a.size === b.size &&
        a.mtimeMs === b.mtimeMs &&
        a.ctimeMs === b.ctimeMs);
}
/** Lists the tree under `root`, sorted by the UTF-8 bytes of the archive names. */
function listTree(root) {
    let realRoot;
    try {
        realRoot = external_node_fs_.realpathSync(root);
    }
    catch (error) {
        throw new errors/* UserError */.yo(`Cannot read the layer directory ${root}: ${error.message}`, {
            cause: error,
        });
    }
    const entries = [];
    tree_walk(root, '', [realRoot], realRoot, entries);
    entries.sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
    return entries;
}
function tree_walk(dir, prefix, 
// Real paths of the directories from the root down to `dir`: a followed link to any of them is a cycle.
ancestors, realRoot, out) {
    for (const child of external_node_fs_.readdirSync(dir, { withFileTypes: true }))
        visit(child, dir, prefix, ancestors, realRoot, out);
}
function visit(child, dir, prefix, ancestors, realRoot, out) {
    const sourcePath = external_node_path_.join(dir, child.name);
    const name = prefix + child.name;
    if (child.name.includes('\uFFFD')) {
        throw new errors/* UserError */.yo(`File name is not valid UTF-8: ${sourcePath}`, {
            hint: 'Rename the file; ZIP names in a layer are stored as UTF-8.',
        });
    }
    if (child.isDirectory()) {
        out.push(entry(`${name}/`, true, sourcePath, 0, 0o40755));
        const real = external_node_path_.join(ancestors[ancestors.length - 1], child.name);
        tree_walk(sourcePath, `${name}/`, [...ancestors, real], realRoot, out);
        return;
    }
    if (child.isFile()) {
        const stat = external_node_fs_.statSync(sourcePath);
        out.push({ ...entry(name, false, sourcePath, stat.size, stat.mode), witness: witnessOf(stat) });
        return;
    }
    if (child.isSymbolicLink()) {
        visitSymlink(sourcePath, name, ancestors, realRoot, out);
        return;
    }
    throw new errors/* UserError */.yo(`Cannot put special file ${sourcePath} in the layer zip (not a file, directory or link)`, {
        hint: 'Remove sockets, FIFOs and device files from the layer directory.',
    });
}
function visitSymlink(sourcePath, name, ancestors, realRoot, out) {
    const target = external_node_fs_.readlinkSync(sourcePath);
    let real;
    try {
        real = external_node_fs_.realpathSync(sourcePath);
    }
    catch {
        throw new errors/* UserError */.yo(`Symlink ${sourcePath} -> ${target} is broken`, {
            hint: 'Remove the link or make it point at a file inside the layer directory.',
        });
    }
    if (real !== realRoot && !real.startsWith(realRoot + external_node_path_.sep)) {
        throw new errors/* UserError */.yo(`Symlink ${sourcePath} -> ${target} points outside the layer directory`, {
            hint: 'Layers are extracted under /opt, where that target does not exist: copy the file into the layer instead.',
        });
    }
    const stat = external_node_fs_.statSync(real);
    if (stat.isFile()) {
        out.push(entry(name, false, sourcePath, stat.size, stat.mode));
        return;
    }
    if (stat.isDirectory()) {
        if (ancestors.includes(real)) {
            throw new errors/* UserError */.yo(`Symlink ${sourcePath} -> ${target} makes a directory cycle`, {
                hint: 'Remove the link; it points at one of its own parent directories.',
            });
        }
        out.push(entry(`${name}/`, true, sourcePath, 0, stat.mode));
        tree_walk(real, `${name}/`, [...ancestors, real], realRoot, out);
        return;
    }
    throw new errors/* UserError */.yo(`Symlink ${sourcePath} -> ${target} points at a special file`, {
        hint: 'Remove sockets, FIFOs and device files from the layer directory.',
    });
}
function entry(name, isDirectory, sourcePath, size, statMode) {
    return { name, nameBytes: Buffer.from(name, 'utf8'), isDirectory, sourcePath, size, statMode };
}

;// CONCATENATED MODULE: ./src/wheel/layout.ts
/**
 * Where `pip install --target` (pip 26.2.1) puts each file of a wheel, and what it writes in
 * RECORD for it. pip installs into a temporary "home" scheme (lib/python for purelib and
 * platlib alike, bin for scripts, include/python/NAME for headers, the root for data) and then
 * moves lib/python's items and the root's other items into the target; so purelib, platlib and
 * the wheel's root all land at the target's root, and data files too, recorded relative to
 * lib/python (`../../share/...`). What the layer never ships: scripts (bin/, whose shebangs name
 * the build machine's interpreter) and headers (include/, nothing imports them on Lambda).
 */


/** The path below a root, normalized as os.path.normpath does; undefined when it climbs out. */
function contained(path) {
    const normal = external_node_path_.posix.normalize(path);
    if (normal.startsWith('../') || normal === '..' || external_node_path_.posix.isAbsolute(normal) || normal === '.')
        return undefined;
    return normal.replace(/\/$/, '');
}
function outside(wheel, name) {
    return new errors/* UserError */.yo(`the wheel ${wheel} has a file ${JSON.stringify(name)} that would install outside the layer`, {
        hint: 'the wheel is malformed or malicious: use another release or build',
    });
}
/** Whether a zip entry belongs to one of the wheel's `.data` scheme directories. */
function isDataPath(name) {
    return (name.split('/', 1)[0] ?? '').endsWith('.data');
}
/**
 * Items of the home root that pip's --target move skips: it skips an item when the lib dir's path
 * starts with the item's path as a string (so `lib`, and also `l` and `li`, stay behind).
 */
function lostInTargetMove(firstComponent) {
    return 'lib/python'.startsWith(firstComponent);
}
/** Names (entry points) of the console and GUI scripts in an entry_points.txt text. */
function scriptEntryPoints(text) {
    const names = new Set();
    let section = '';
    for (const raw of (text ?? '').split(/\r?\n/)) {
        const line = raw.trim();
        if (!line || line.startsWith('#') || line.startsWith(';'))
            continue;
        const header = /^\[(.*)\]$/.exec(line);
        if (header)
            section = (header[1] ?? '').trim();
        else if (section === 'console_scripts' || section === 'gui_scripts') {
            const eq = line.indexOf('=');
            if (eq > 0)
                names.add(line.slice(0, eq).trim());
        }
    }
    return names;
}
/** pip's is_entrypoint_wrapper: EP, EP.exe, EP-script.py and EP.pya are setuptools' wrappers. */
function isEntryPointWrapper(file, entryPoints) {
    const lower = file.toLowerCase();
    const name = lower.endsWith('.exe') || lower.endsWith('.pya')
        ? file.slice(0, -4)
        : lower.endsWith('-script.py')
            ? file.slice(0, -10)
            : file;
    return entryPoints.has(name);
}
/** Where one file entry of `wheel` goes (see the module comment). */
function placeEntry(wheel, name, entryPoints) {
    if (!isDataPath(name)) {
        const path = contained(name);
        if (!path)
            throw outside(wheel, name);
        return { kind: 'shipped', path, recordPath: path };
    }
    const normal = contained(name);
    const parts = normal?.split('/') ?? [];
    if (!normal || parts.length < 3) {
        throw new errors/* UserError */.yo(`unexpected file in ${wheel}: ${JSON.stringify(name)}; .data directory contents should be named like '<scheme key>/<path>'`);
    }
    const [, scheme, ...rest] = parts;
    const sub = contained(rest.join('/'));
    if (!sub)
        throw outside(wheel, name);
    switch (scheme) {
        case 'purelib':
        case 'platlib':
            return { kind: 'shipped', path: sub, recordPath: sub };
        case 'scripts':
            if (isEntryPointWrapper(external_node_path_.posix.basename(sub), entryPoints))
                return { kind: 'skipped' };
            return { kind: 'dropped', recordPath: `../../bin/${sub}` };
        case 'headers':
            // The headers dir is named after the project, which only the RECORD row shows: pip's row
            // is dropped with the file, so its exact name does not matter here.
            return { kind: 'dropped', recordPath: `../../include/python/${sub}` };
        case 'data': {
            const first = sub.split('/')[0] ?? '';
            if (first === 'bin' || lostInTargetMove(first))
                return { kind: 'dropped', recordPath: `../../${sub}` };
            return { kind: 'shipped', path: sub, recordPath: `../../${sub}` };
        }
        default:
            throw new errors/* UserError */.yo(`unknown scheme key used in ${wheel}: ${scheme} (for file ${JSON.stringify(name)}); valid keys are data, headers, platlib, purelib, scripts`);
    }
}

;// CONCATENATED MODULE: ./src/wheel/record.ts
/**
 * RECORD files (the wheel spec's CSV of path, hash, size), read and written as pip 26.2.1 does:
 * Python's csv module with the default dialect, so a layer assembled here carries the same
 * RECORD bytes pip --target writes (rows sorted, minimal quoting, CRLF line ends).
 */

/** Rows of a RECORD text, as csv.reader(text.splitlines()) reads them (quoted fields allowed). */
function parseRecord(text) {
    const rows = [];
    for (const line of text.split(/\r\n|\r|\n/)) {
        if (line === '')
            continue;
        const fields = [];
        let i = 0;
        for (;;) {
            let field = '';
            if (line[i] === '"') {
                i += 1;
                for (;;) {
                    const quote = line.indexOf('"', i);
                    if (quote < 0) {
                        field += line.slice(i);
                        i = line.length;
                        break;
                    }
                    field += line.slice(i, quote);
                    i = quote + 1;
                    if (line[i] === '"') {
                        field += '"';
                        i += 1;
                    }
                    else
                        break;
                }
                // Anything between the closing quote and the comma stays part of the field, as csv does.
                const comma = line.indexOf(',', i);
                field += line.slice(i, comma < 0 ? line.length : comma);
                i = comma < 0 ? line.length : comma;
            }
            else {
                const comma = line.indexOf(',', i);
                field = line.slice(i, comma < 0 ? line.length : comma);
                i = comma < 0 ? line.length : comma;
            }
            fields.push(field);
            if (i >= line.length)
                break;
            i += 1; // the comma
            if (i === line.length) {
                fields.push('');
                break;
            }
        }
        rows.push(fields);
    }
    return rows;
}
/** csv.QUOTE_MINIMAL: quote a field holding the delimiter, the quote or a line break. */
function csvField(value) {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
/** Python's default string order (code points), which pip sorts RECORD rows by. */
function compareCodePoints(a, b) {
    const x = [...a];
    const y = [...b];
    for (let i = 0; i < Math.min(x.length, y.length); i += 1) {
        const d = (x[i]?.codePointAt(0) ?? 0) - (y[i]?.codePointAt(0) ?? 0);
        if (d !== 0)
            return d;
    }
    return x.length - y.length;
}
/** The RECORD text pip writes: rows sorted as (path, hash, size) tuples, CRLF after each. */
function formatRecord(rows) {
    const sorted = [...rows].sort((a, b) => compareCodePoints(a[0], b[0]) || compareCodePoints(a[1], b[1]) || compareCodePoints(a[2], b[2]));
    return sorted.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
/** A file's RECORD hash and size: sha256 in unpadded URL-safe base64 (the wheel spec's form). */
function recordHash(content) {
    const digest = (0,external_node_crypto_.createHash)('sha256').update(content).digest('base64url');
    return { hash: `sha256=${digest}`, size: String(content.length) };
}

;// CONCATENATED MODULE: ./src/wheel/install.ts
/**
 * Installs wheels into a layer's python/ folder as `pip install --target` (pip 26.2.1) lays them
 * out (./layout.ts), without pip: the tree, RECORD, INSTALLER, REQUESTED and direct_url.json are
 * byte for byte what pip writes, except what the layer never ships (console scripts, headers; see
 * layout.ts). Wheels are given in pip's installation order: when two wheels ship the same path
 * (a namespace package's __init__.py, a vendored module), the later one's file is kept, as pip
 * overwrites it. Each shipped path is written once, by the wheel whose copy survives.
 */









/** What pip writes as INSTALLER; kept so a layer's bytes do not depend on who unpacked it. */
const INSTALLER = Buffer.from('pip\n');
/** Files read and written at once per wheel: enough to keep the disk busy while inflating. */
const FILE_CONCURRENCY = 16;
const WHEEL_CONCURRENCY = 4;
async function install_text(archive, name) {
    const entry = archive.entries.find((e) => e.name === name && !e.isDirectory);
    return entry ? (await archive.read(entry)).toString('utf8') : undefined;
}
/** The wheel's one top-level *.dist-info folder (pip's wheel_dist_info_dir). */
function distInfoDir(wheel, entries) {
    const tops = new Set(entries.map((e) => e.name.split('/', 1)[0] ?? '').filter((t) => t.endsWith('.dist-info')));
    const [only, ...others] = tops;
    if (!only)
        throw new errors/* UserError */.yo(`${wheel} is not a wheel: it has no .dist-info directory`);
    if (others.length)
        throw new errors/* UserError */.yo(`${wheel} has more than one .dist-info directory: ${[...tops].join(', ')}`);
    return only;
}
async function planWheel(wheel) {
    return (0,reader/* withZipArchive */.gw)(wheel.path, async (archive) => {
        const infoDir = distInfoDir(wheel.path, archive.entries);
        const record = await install_text(archive, `${infoDir}/RECORD`);
        if (record === undefined)
            throw new errors/* UserError */.yo(`${wheel.path} has no ${infoDir}/RECORD`);
        const entryPoints = scriptEntryPoints(await install_text(archive, `${infoDir}/entry_points.txt`));
        const files = archive.entries
            .filter((e) => !e.name.endsWith('/'))
            .map((entry) => ({ entry, placement: placeEntry(wheel.path, entry.name, entryPoints) }));
        const group = (f) => {
            const parts = f.entry.name.split('/');
            if (!(parts[0] ?? '').endsWith('.data'))
                return 0;
            return parts.length > 2 && parts[1] === 'scripts' ? 2 : 1;
        };
        // A stable sort keeps the zip's own order inside each group, as pip's partitions do.
        return { wheel, infoDir, files: [...files].sort((a, b) => group(a) - group(b)), record };
    });
}
/** pip's RECORD for one installed wheel, without the rows of files the layer does not ship. */
function installedRecord(plan, generated) {
    const installed = new Map();
    const notShipped = new Set();
    for (const { entry, placement } of plan.files) {
        if (placement.kind === 'skipped')
            continue;
        installed.set(entry.name, placement.recordPath);
        if (placement.kind === 'dropped')
            notShipped.add(placement.recordPath);
    }
    const rows = [];
    for (const row of parseRecord(plan.record)) {
        const old = row[0] ?? '';
        const path = installed.get(old) ?? old;
        installed.delete(old);
        rows.push([path, row[1] ?? '', row[2] ?? '']);
    }
    for (const [path, content] of generated) {
        const { hash, size } = recordHash(content);
        rows.push([path, hash, size]);
    }
    for (const path of installed.values())
        rows.push([path, '', '']);
    return formatRecord(rows.filter(([path]) => !notShipped.has(path)));
}
function isExecutable(entry) {
    return (entry.mode & 0o170000) === 0o100000 && (entry.mode & 0o111) !== 0;
}
/** The permission bits pip gives an installed file: 0666 & ~umask, or 0777 & ~umask | 0111 when executable. */
function installedMode(entry, umask) {
    return isExecutable(entry) ? (0o777 & ~umask) | 0o111 : 0o666 & ~umask;
}
/**
 * Installs `wheels` (in pip's installation order) into `pythonDir`, which must be empty or
 * missing: a file left there would keep its mode and hide what the wheels hold. Returns, by
 * path relative to `pythonDir` ('/'-separated), where each file copied unchanged from a wheel
 * sits in it (not the RECORD, INSTALLER, REQUESTED and direct_url.json written here).
 */
async function installWheels(wheels, pythonDir, options = {}) {
    await (0,promises_.mkdir)(pythonDir, { recursive: true });
    if ((await (0,promises_.readdir)(pythonDir)).length)
        throw new Error(`installWheels needs an empty folder; ${pythonDir} is not`);
    const plans = await mapLimited(wheels, WHEEL_CONCURRENCY, planWheel);
    // Which copy of each shipped path survives: the last one pip would write.
    const winner = new Map();
    for (const plan of plans) {
        for (const { entry, placement } of plan.files) {
            if (placement.kind === 'shipped')
                winner.set(placement.path, entry);
        }
    }
    const sources = new Map();
    const made = new Set();
    const ensureDir = (dir) => {
        if (made.has(dir))
            return;
        (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
        made.add(dir);
    };
    const umask = process.umask();
    await mapLimited(plans, WHEEL_CONCURRENCY, (plan) => (0,reader/* withZipArchive */.gw)(plan.wheel.path, async (archive) => {
        // Entries are looked up by name: this archive object lists its own entry records.
        const byName = new Map(archive.entries.map((e) => [e.name, e]));
        // The files this wheel's copy provides in the layer (a later wheel's copy may win a path).
        const mine = plan.files.flatMap(({ entry, placement }) => placement.kind === 'shipped' && winner.get(placement.path) === entry
            ? [{ entry, path: placement.path }]
            : []);
        await mapLimited(mine, FILE_CONCURRENCY, async ({ entry, path }) => {
            const own = byName.get(entry.name) ?? entry;
            const target = (0,external_node_path_.join)(pythonDir, path);
            ensureDir((0,external_node_path_.dirname)(target));
            const content = await archive.read(own);
            // Synchronous: for thousands of small files one call each beats open/write/close round
            // trips through the threadpool (9 of the data workload's wheels, 6,000 files: 6.1 s -> 2.3-3.7 s).
            (0,external_node_fs_.writeFileSync)(target, content);
            // pip: a regular file entry with any execute bit becomes 0777 & ~umask | 0111.
            if (isExecutable(entry))
                (0,external_node_fs_.chmodSync)(target, installedMode(entry, umask));
            sources.set(path, {
                file: plan.wheel.path,
                dataStart: await archive.dataStart(own),
                compressedSize: own.compressedSize,
                method: own.method,
                crc32: own.crc32,
                size: own.size,
                // The zip writer takes these bytes from the wheel unread while the file keeps this.
                written: witnessOf((0,external_node_fs_.statSync)(target)),
            });
        });
        options.onWheelWritten?.(plan.wheel.path, mine.map(({ entry, path }) => ({ path, size: entry.size })));
    }));
    for (const plan of plans) {
        const info = (0,external_node_path_.join)(pythonDir, plan.infoDir);
        ensureDir(info);
        const generated = new Map([[`${plan.infoDir}/INSTALLER`, INSTALLER]]);
        if (plan.wheel.directUrl !== undefined) {
            generated.set(`${plan.infoDir}/direct_url.json`, Buffer.from(plan.wheel.directUrl));
        }
        if (plan.wheel.requested)
            generated.set(`${plan.infoDir}/REQUESTED`, Buffer.alloc(0));
        // pip writes these as new files (0666 & ~umask), whatever mode the wheel's own copy had.
        const writeNew = async (path, content) => {
            await (0,promises_.rm)(path, { force: true });
            await (0,promises_.writeFile)(path, content);
        };
        for (const [path, content] of generated)
            await writeNew((0,external_node_path_.join)(pythonDir, path), content);
        await writeNew((0,external_node_path_.join)(info, 'RECORD'), installedRecord(plan, generated));
        for (const path of [...generated.keys(), `${plan.infoDir}/RECORD`])
            sources.delete(path);
    }
    return sources;
}

;// CONCATENATED MODULE: ./src/resolve/wheel-download.ts
/**
 * The wheels path of the install: the pinned pip resolves and downloads (download_for_target.py,
 * with the target's markers and platform flags), and src/wheel installs the downloaded wheels in
 * pip's installation order. The download's plan says, per wheel, what pip install would have
 * recorded (REQUESTED, direct_url.json).
 */



/**
 * Whether every requirement of a finished download is a wheel. A local project or an sdist
 * (allowed under sdist "pure") is saved by pip download as it is, unbuilt: such a build takes
 * pip install --target instead, which builds it.
 */
async function downloadedOnlyWheels(planPath) {
    const plan = JSON.parse(await (0,promises_.readFile)(planPath, 'utf8'));
    return plan.every((w) => w.is_wheel);
}
/**
 * Installs the wheels a finished download planned into `pythonDir`; returns where each file
 * copied from a wheel sits in it (installWheels).
 */
async function installDownloaded(planPath, wheelDir, pythonDir, options = {}) {
    const plan = JSON.parse(await (0,promises_.readFile)(planPath, 'utf8'));
    const wheels = plan.map((w) => ({
        path: (0,external_node_path_.join)(wheelDir, w.filename),
        requested: w.requested,
        ...(w.direct_url !== null ? { directUrl: w.direct_url } : {}),
    }));
    return installWheels(wheels, pythonDir, options);
}

;// CONCATENATED MODULE: ./src/resolve/install.ts
/**
 * Runs the pinned pip (pinned-pip.ts) with the target's platform flags and marker environment
 * to resolve and download the requirements' wheels (download_for_target.py), which src/wheel
 * installs into `staging/python` as pip install --target would (or, with assemble "pip", runs pip
 * install --target itself through pip_for_target.py), then describes what was installed from the
 * *.dist-info folders, joined with pip's report for the wheel's file name and sha256.
 */















const DEFAULT_PIP_TIMEOUT_MS = 20 * 60_000;
function indexFlags(params) {
    return [
        ...(params.indexUrl ? ['--index-url', params.indexUrl] : []),
        ...params.extraIndexUrls.flatMap((url) => ['--extra-index-url', url]),
        ...params.findLinks.flatMap((link) => ['--find-links', link]),
    ];
}
/**
 * The pip command line: pip_for_target.py runs the pinned pip with every environment marker
 * evaluated for the target (markerEnvironment in target.ts), whatever the host's OS, CPU and
 * Python; the platform flags choose the target's wheels and Requires-Python. The user's pip
 * configuration (config files, PIP_* variables) applies, as with any pip call.
 */
function pipInstallArgs(params, reportPath, check) {
    return [
        (0,programs/* programPath */.k)('resolve/pip_for_target.py'),
        params.pip.home,
        JSON.stringify((0,src_target/* markerEnvironment */.wp)(params.target)),
        ...(check?.args ?? []),
        'install',
        '-r',
        params.snapshot.file,
        '--target',
        params.pythonDir,
        '--no-compile',
        '--upgrade',
        '--no-input',
        '--disable-pip-version-check',
        // pip's conflict check reads every distribution installed beside pip itself (the host's
        // site-packages), which says nothing about a --target layer and cost about 1 s of a 2.2 s
        // pip run on a host with 260 distributions. The resolver already made the layer consistent.
        '--no-warn-conflicts',
        // A lock already chose every package (its lines pin each one with its hashes): no resolution.
        ...(params.snapshot.input?.locked ? ['--no-deps'] : []),
        '--progress-bar',
        'off',
        ...(0,src_target/* pipTargetFlags */.cK)(params.target),
        ...indexFlags(params),
        ...(reportPath ? ['--report', reportPath] : []),
    ];
}
/**
 * The pip command line of the wheels path (params.assemble "wheels"): the same resolution as
 * pipInstallArgs (markers, platform flags, indexes, --no-deps for a lock), but pip only downloads
 * into `wheelDir` and download_for_target.py writes the installation plan to `planPath`.
 */
function pipDownloadArgs(params, wheelDir, planPath, reportPath, check) {
    return [
        (0,programs/* programPath */.k)('resolve/download_for_target.py'),
        params.pip.home,
        JSON.stringify((0,src_target/* markerEnvironment */.wp)(params.target)),
        planPath,
        reportPath,
        ...(check?.args ?? []),
        'download',
        '-r',
        params.snapshot.file,
        '--dest',
        wheelDir,
        '--no-input',
        '--disable-pip-version-check',
        ...(params.snapshot.input?.locked ? ['--no-deps'] : []),
        '--progress-bar',
        'off',
        ...(0,src_target/* pipTargetFlags */.cK)(params.target),
        ...indexFlags(params),
    ];
}
/**
 * Where pip --target puts console scripts: bin/ on Linux and macOS; Scripts\ with .exe
 * launchers (Windows binaries, which verification would refuse) on Windows.
 */
function consoleScriptDirs(platform) {
    return platform === 'win32' ? ['bin', 'Scripts'] : ['bin'];
}
/**
 * RECORD lines of the console scripts just removed. Each carries the sha256 of a script whose
 * shebang is the HOST interpreter's path, so keeping them made the layer's bytes depend on the
 * machine that built it; RECORD lists installed files, and these are not installed.
 */
async function dropConsoleScriptRecords(pythonDir) {
    const scripts = /^\.\.[/\\]\.\.[/\\](?:bin|Scripts)[/\\]/;
    for (const name of await (0,promises_.readdir)(pythonDir)) {
        if (!name.endsWith('.dist-info'))
            continue;
        const record = (0,external_node_path_.join)(pythonDir, name, 'RECORD');
        const text = await (0,promises_.readFile)(record, 'utf8').catch(() => undefined);
        if (text === undefined)
            continue;
        const lines = text.split('\n');
        const kept = lines.filter((line) => !scripts.test(line));
        if (kept.length !== lines.length)
            await (0,promises_.writeFile)(record, kept.join('\n'));
    }
}
/**
 * Installs the requirements; returns one entry per installed distribution, sorted by name.
 * With sdist policy "pure", a failed resolution whose cause is a release published only as an
 * sdist builds that sdist into a pure wheel (sdist/wheelhouse.ts) and resolves again with the
 * wheelhouse as an extra --find-links source, until pip succeeds or a package cannot fit.
 */
async function installRequirements(params) {
    const reportPath = (0,external_node_path_.join)(params.workDir, 'pip-report.json');
    const fromWheels = params.assemble !== 'pip';
    const wheelDir = (0,external_node_path_.join)(params.workDir, 'wheels');
    const planPath = (0,external_node_path_.join)(params.workDir, 'install-plan.json');
    const timeoutMs = params.timeoutMs ?? DEFAULT_PIP_TIMEOUT_MS;
    const policy = params.sdist ?? 'never';
    const wheelhouse = new Wheelhouse((0,external_node_path_.join)(params.workDir, 'sdist-wheelhouse'));
    // The first pip run checks every line with pip's parser before it installs anything.
    let check = await prepareRequirementCheck(params.snapshot, {
        workDir: params.workDir,
        sdist: policy,
    });
    for (;;) {
        const pipParams = await withWheelhouse(params, wheelhouse);
        const args = fromWheels
            ? pipDownloadArgs(pipParams, wheelDir, planPath, reportPath, check)
            : pipInstallArgs(pipParams, reportPath, check);
        params.log.debug(`${params.pip.python.path} ${args.join(' ')}`);
        const run = await (0,run_python/* runPython */.w)(params.pip.python.path, args, {
            log: params.log,
            env: params.env,
            // pip resolves relative paths in requirement lines against its working directory.
            cwd: params.projectDir ?? process.cwd(),
            timeoutMs,
        });
        if (check) {
            await check.result(); // throws for bad lines, before pip's own account of them
            check = undefined;
        }
        if (run.timedOut) {
            throw new errors/* UserError */.yo(`pip did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`, {
                hint: 'check that the package indexes answer (pip retries unreachable ones) and try again',
            });
        }
        if (run.code === 0)
            break;
        const unresolved = parseUnresolvable(run.output);
        const release = unresolved &&
            (await findSdistOnlyRelease(unresolved, run.output, {
                snapshot: params.snapshot,
                indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
                findLinks: pipParams.findLinks,
            }));
        // A project built once that pip still cannot use is explained by the usual diagnosis
        // (its wheel is now listed, with why it does not fit).
        // Errors name the user's requirements file, not the pinned copy.
        const explained = () => explainPipFailure(run, { ...pipParams, snapshot: params.snapshot });
        if (!release || wheelhouse.has(release.project))
            throw await explained();
        if (policy === 'never')
            throw withPureHint(await explained(), release);
        await wheelhouse.build(release, {
            pip: params.pip,
            target: params.target,
            snapshot: params.snapshot,
            workDir: params.workDir,
            indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
            findLinks: params.findLinks,
            indexFlags: indexFlags(params),
            log: params.log,
            env: params.env,
            timeoutMs,
        });
    }
    if (fromWheels && !(await downloadedOnlyWheels(planPath))) {
        params.log.info('A requirement is a local project or an sdist: installing with pip install --target, which builds it');
        return installRequirements({ ...params, assemble: 'pip' });
    }
    if (fromWheels) {
        const sources = await installDownloaded(planPath, wheelDir, params.pythonDir, {
            ...(params.onWheelWritten ? { onWheelWritten: params.onWheelWritten } : {}),
        });
        params.onWheelFiles?.(sources);
    }
    // Console scripts have the HOST interpreter in their shebang and /opt/python/bin is not on
    // Lambda's PATH: they cannot run there and would make the zip differ between machines.
    for (const dir of consoleScriptDirs(process.platform)) {
        await (0,promises_.rm)((0,external_node_path_.join)(params.pythonDir, dir), { recursive: true, force: true });
    }
    await dropConsoleScriptRecords(params.pythonDir);
    const report = await readReport(reportPath);
    const described = await describeInstalled(params.pythonDir, report);
    const input = params.snapshot.input;
    const packages = input?.locked ? await markRequested(params.pythonDir, described, input.direct) : described;
    return packages.map((p) => (wheelhouse.has(p.name) ? { ...p, builtFromSource: true } : p));
}
/**
 * The install's parameters for the next pip run: the wheelhouse as one more --find-links
 * source and, when the requirements pin hashes, a copy of them that also pins each built
 * wheel's hash (pip refuses any file whose hash is not on its line).
 */
async function withWheelhouse(params, wheelhouse) {
    if (wheelhouse.size === 0)
        return params;
    const pinned = await writeRequirementsWithPins(params.snapshot, wheelhouse.hashPins(), (0,external_node_path_.join)(params.workDir, 'requirements-with-built-hashes'));
    return {
        ...params,
        findLinks: [...params.findLinks, ...wheelhouse.findLinks()],
        snapshot: pinned ? { ...params.snapshot, file: pinned } : params.snapshot,
    };
}
async function explainPipFailure(run, params) {
    const output = run.output;
    const unresolved = parseUnresolvable(output);
    if (unresolved) {
        return diagnoseUnresolvable(unresolved, output, {
            target: params.target,
            snapshot: params.snapshot,
            indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
            findLinks: params.findLinks,
        });
    }
    const errorLines = output
        .split('\n')
        .filter((l) => /^(ERROR|\s{4})/.test(l))
        .slice(0, 12)
        .join('\n');
    if (/DO NOT MATCH THE HASHES/.test(output)) {
        // pip lists each mismatch as "    name==version from URL:": point at the first one's line.
        const mismatched = /^\s{4}([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==/m.exec(output)?.[1];
        const line = mismatched ? findRequirementLine(params.snapshot, mismatched) : undefined;
        const at = line ? writtenAtText(line) : (params.snapshot.input?.file ?? params.snapshot.file);
        return new errors/* UserError */.yo(`a downloaded file does not match its --hash pin in ${at}:\n${errorLines}`, {
            hint: params.snapshot.input?.locked
                ? 'the index serves a file the lock does not record: lock again against this index (uv lock, poetry lock, pipenv lock, pip lock), or point the build at the index the lock was made from; never disable the check'
                : 'regenerate the hashes (pip-compile --generate-hashes) or fix the pin; never disable the check',
            ...(line ? { location: writtenAt(line) } : {}),
        });
    }
    if (/Hashes are required in --require-hashes mode/.test(output)) {
        return new errors/* UserError */.yo(`hash-checking mode needs a --hash for every requirement, dependencies included:\n${errorLines}`, {
            hint: 'pin every package (dependencies too) with == and --hash, e.g. with pip-compile --generate-hashes',
        });
    }
    if (/ResolutionImpossible|conflict is caused by/.test(output)) {
        // A dependency pip found nothing for is no conflict between pins: explain it as such.
        const [unavailable] = parseUnavailableInConflict(output);
        if (unavailable) {
            return diagnoseUnresolvable(unavailable, output, {
                target: params.target,
                snapshot: params.snapshot,
                indexUrls: [...(params.indexUrl ? [params.indexUrl] : []), ...params.extraIndexUrls],
                findLinks: params.findLinks,
            });
        }
        const conflict = output
            .slice(output.indexOf('The conflict is caused by'))
            .split('\n')
            .slice(0, 8)
            .join('\n');
        return new errors/* UserError */.yo(`the requirements conflict with each other:\n${conflict}`, {
            hint: `loosen or align the version pins in ${params.snapshot.input?.file ?? params.snapshot.file}`,
        });
    }
    const tail = output.trim().split('\n').slice(-15).join('\n');
    return new errors/* UserError */.yo(`pip install failed (exit code ${run.code}):\n${tail}`, {
        hint: "read pip's message above; run with --verbose to see the exact pip command",
    });
}
async function readReport(path) {
    const entries = new Map();
    let report;
    try {
        report = JSON.parse(await (0,promises_.readFile)(path, 'utf8'));
    }
    catch {
        return entries;
    }
    for (const item of report.install ?? []) {
        const i = item;
        if (!i.metadata?.name)
            continue;
        const archive = i.download_info?.archive_info;
        const sha256 = archive?.hashes?.sha256 ?? (archive?.hash?.startsWith('sha256=') ? archive.hash.slice(7) : undefined);
        entries.set(normalizeProjectName(i.metadata.name), {
            url: i.download_info?.url,
            sha256,
            requested: i.requested,
        });
    }
    return entries;
}
/** "Key: value" headers of an email-style file (METADATA, WHEEL), up to the body. */
function headers(text) {
    const head = text.split(/\r?\n\r?\n/)[0] ?? '';
    const pairs = head.split(/\r?\n/).flatMap((line) => {
        const m = /^([A-Za-z0-9-]+):\s*(.*)$/.exec(line);
        return m?.[1] ? [[m[1].toLowerCase(), (m[2] ?? '').trim()]] : [];
    });
    return {
        get: (key) => pairs.find(([k]) => k === key.toLowerCase())?.[1],
        all: (key) => pairs.filter(([k]) => k === key.toLowerCase()).map(([, v]) => v),
    };
}
/** First column of each RECORD line (CSV; paths with commas are quoted). */
function recordPaths(text) {
    return text
        .split(/\r?\n/)
        .filter(Boolean)
        .map((line) => {
        const m = /^(?:"((?:[^"]|"")*)"|([^,]*)),[^,]*,(\d*)\s*$/.exec(line);
        const path = m ? (m[1]?.replace(/""/g, '"') ?? m[2] ?? '') : (line.split(',')[0] ?? '');
        return { path, size: m?.[3] ? Number(m[3]) : undefined };
    });
}
/** "py3-none-any" style compressed tags from WHEEL's Tag lines. */
function compressTags(tags) {
    const parts = tags.map((t) => t.split('-'));
    const column = (i) => [...new Set(parts.map((p) => p[i] ?? ''))].join('.');
    return parts.length ? `${column(0)}-${column(1)}-${column(2)}` : 'unknown';
}
/**
 * Bytes a distribution occupies in the layer: the files its RECORD lists that are still there
 * (slimming removes some) plus the bytecode compiled for them (pip's RECORD predates it).
 */
/**
 * Bytes a distribution occupies in the layer: its RECORD's files plus the pycs of its modules.
 * Synchronous stats: a large layer has ~10,000 of them, each cheaper than an async round trip.
 */
async function distributionSize(pythonDir, distInfo) {
    const record = await (0,promises_.readFile)((0,external_node_path_.join)(pythonDir, distInfo, 'RECORD'), 'utf8').catch(() => '');
    let size = 0;
    // __pycache__ dir -> module names whose .py the distribution owns there.
    const pycaches = new Map();
    for (const entry of recordPaths(record)) {
        const path = (0,external_node_path_.resolve)(pythonDir, entry.path);
        // Only what is in the layer: scripts outside python/ (../../bin) are not shipped.
        if (!path.startsWith(pythonDir + external_node_path_.sep))
            continue;
        const info = (0,external_node_fs_.statSync)(path, { throwIfNoEntry: false });
        if (info?.isFile())
            size += info.size;
        if (path.endsWith('.py')) {
            const cacheDir = (0,external_node_path_.join)((0,external_node_path_.dirname)(path), '__pycache__');
            const modules = pycaches.get(cacheDir) ?? new Set();
            modules.add((0,external_node_path_.basename)(path, '.py'));
            pycaches.set(cacheDir, modules);
        }
    }
    for (const [cacheDir, modules] of pycaches) {
        if (!(0,external_node_fs_.existsSync)(cacheDir))
            continue;
        for (const file of (0,external_node_fs_.readdirSync)(cacheDir)) {
            // <module>.<cache tag>.pyc: the tag (cpython-311) has no dot of its own.
            if (!file.endsWith('.pyc'))
                continue;
            const module = file.slice(0, file.lastIndexOf('.', file.length - 5));
            if (modules.has(module))
                size += (0,external_node_fs_.statSync)((0,external_node_path_.join)(cacheDir, file), { throwIfNoEntry: false })?.size ?? 0;
        }
    }
    return size;
}
/** Sizes again after slimming and bytecode changed what each distribution occupies. */
async function measurePackages(pythonDir, packages) {
    const sizes = new Map();
    for (const distInfo of (await (0,promises_.readdir)(pythonDir)).filter((name) => name.endsWith('.dist-info'))) {
        const metadata = headers(await (0,promises_.readFile)((0,external_node_path_.join)(pythonDir, distInfo, 'METADATA'), 'utf8').catch(() => ''));
        const name = metadata.get('Name');
        if (name)
            sizes.set(normalizeProjectName(name), await distributionSize(pythonDir, distInfo));
    }
    return packages.map((p) => ({ ...p, size: sizes.get(normalizeProjectName(p.name)) ?? p.size }));
}
/** One PackageEntry per *.dist-info in `pythonDir`, joined with the report by project name. */
async function describeInstalled(pythonDir, report) {
    const distInfos = (await (0,promises_.readdir)(pythonDir)).filter((name) => name.endsWith('.dist-info')).sort();
    const packages = [];
    for (const distInfo of distInfos) {
        const metadata = headers(await (0,promises_.readFile)((0,external_node_path_.join)(pythonDir, distInfo, 'METADATA'), 'utf8'));
        const wheelInfo = headers(await (0,promises_.readFile)((0,external_node_path_.join)(pythonDir, distInfo, 'WHEEL'), 'utf8').catch(() => ''));
        const name = metadata.get('Name') ?? distInfo.replace(/-[^-]*\.dist-info$/, '');
        const version = metadata.get('Version') ?? '';
        const fromReport = report.get(normalizeProjectName(name));
        const urlFile = fromReport?.url
            ? decodeURIComponent((0,external_node_path_.basename)(new URL(fromReport.url).pathname))
            : undefined;
        const wheelFromUrl = urlFile && parseWheelFilename(urlFile) ? urlFile : undefined;
        const tags = wheelFromUrl
            ? (parseWheelFilename(wheelFromUrl)?.tagText ?? '')
            : compressTags(wheelInfo.all('Tag'));
        const requested = fromReport?.requested ?? (0,external_node_fs_.existsSync)((0,external_node_path_.join)(pythonDir, distInfo, 'REQUESTED'));
        packages.push({
            name,
            version,
            wheel: wheelFromUrl ?? `${name.replace(/[-.]+/g, '_')}-${version}-${tags}.whl`,
            tags,
            ...(fromReport?.sha256 && wheelFromUrl ? { sha256: fromReport.sha256 } : {}),
            size: await distributionSize(pythonDir, distInfo),
            ...(urlFile && !wheelFromUrl ? { builtFromSource: true } : {}),
            requested,
        });
    }
    return packages.sort((a, b) => normalizeProjectName(a.name).localeCompare(normalizeProjectName(b.name)));
}

;// CONCATENATED MODULE: ./src/resolve/lock/artifacts.ts
/**
 * From a locked package to the one requirement line pip installs it with: `name==version` plus a
 * `--hash` for every listed wheel whose tags run on the target (wheel-tags.ts, the same rules as
 * any build). pip takes the files from the configured indexes and installs one only when its
 * sha256 is one of those, so what is installed is a file the lock lists; pip runs with --no-deps,
 * so nothing is resolved. A package with no fitting wheel follows the sdist policy through its
 * locked sdist; with neither, the build stops naming the package, its version, the lock entry and
 * what the lock offers.
 */



function artifacts_where(pkg) {
    return `${pkg.location.file}${pkg.location.line ? `:${pkg.location.line}` : ''}`;
}
function fits(file, target) {
    const parsed = parseWheelFilename(file.filename);
    return Boolean(parsed && wheelVerdict(parsed.tags, target).ok);
}
function hashOf(pkg, file) {
    if (!file.sha256) {
        throw new errors/* UserError */.yo(`${artifacts_where(pkg)}: ${pkg.name} ${pkg.version}: the lock lists ${file.filename} without a sha256`, {
            hint: 'write the lock again with hashes (the build installs only files whose hash the lock records)',
            location: pkg.location,
        });
    }
    return `--hash=sha256:${file.sha256}`;
}
/**
 * Why the listed wheels miss, short: a lock for many platforms lists dozens. The closest misses
 * first (a glibc too new for the runtime on the right CPU and Python), then a count.
 */
function describeMisses(wheels, target) {
    if (wheels.length === 0)
        return 'no wheels listed';
    const verdicts = wheels.flatMap((w) => {
        const parsed = parseWheelFilename(w.filename);
        if (!parsed)
            return [];
        const verdict = wheelVerdict(parsed.tags, target);
        return verdict.ok ? [] : [{ tagText: parsed.tagText, verdict }];
    });
    const glibc = verdicts.flatMap((v) => v.verdict.kind === 'glibc'
        ? [`${v.tagText} needs glibc ${v.verdict.needs.major}.${v.verdict.needs.minor}`]
        : []);
    const shown = glibc.length > 0 ? glibc : verdicts.map((v) => v.tagText);
    const more = verdicts.length - Math.min(shown.length, 4);
    const head = shown.slice(0, 4).join(', ');
    const limit = glibc.length > 0
        ? `; ${target.runtime} runs glibc ${target.glibc.major}.${target.glibc.minor} (${target.os})`
        : '';
    return `wheels listed: ${head}${more > 0 ? ` and ${more} more for other platforms or Pythons` : ''}${limit}`;
}
/** The requirement line for `pkg` on `target`; throws when no listed file can be installed. */
function lockedRequirementLine(pkg, target, sdist) {
    const pin = `${pkg.name}==${pkg.version}`;
    if (pkg.hashesOnly) {
        // No file names to match tags against: pip installs the file that fits among these hashes.
        return [pin, ...pkg.hashesOnly.map((h) => `--hash=sha256:${h}`)].join(' ');
    }
    const fitting = pkg.wheels.filter((file) => fits(file, target));
    if (fitting.length > 0) {
        const hashes = [...new Set(fitting.map((file) => hashOf(pkg, file)))];
        return [pin, ...hashes].join(' ');
    }
    const targetName = `${target.runtime} ${target.architecture}`;
    const runs = `${targetName} runs cp${target.pythonVersion.replace('.', '')} wheels for ${(0,src_target/* platformTags */.$A)(target)[0]} or older, and pure-Python (py3-none-any) wheels`;
    if (pkg.sdist && sdist === 'pure')
        return `${pin} ${hashOf(pkg, pkg.sdist)}`;
    const listed = describeMisses(pkg.wheels, target);
    // A wheel for the right CPU that needs a newer glibc fits the Amazon Linux 2023 runtimes.
    const newerGlibc = pkg.wheels.some((w) => {
        const parsed = parseWheelFilename(w.filename);
        const verdict = parsed && wheelVerdict(parsed.tags, target);
        return verdict && !verdict.ok && verdict.kind === 'glibc';
    });
    const newer = src_target/* RUNTIMES */.aC.filter((r) => !r.deprecated && r.glibc.minor > target.glibc.minor && r.glibc.major === target.glibc.major);
    const runtimeHint = newerGlibc && newer.length > 0
        ? `; or a runtime with a newer glibc (${newer.map((r) => r.runtime).join(', ')}: ${newer[0]?.os}, glibc ${newer[0]?.glibc.major}.${newer[0]?.glibc.minor}) if the lock has wheels for its Python`
        : '';
    if (pkg.sdist) {
        throw new errors/* UserError */.yo(`${artifacts_where(pkg)}: no wheel of ${pkg.name} ${pkg.version} in the lock fits ${targetName} (${listed}); only its sdist ${pkg.sdist.filename} would do, and the sdist policy is "never"`, {
            hint: `${runs}. Allow pure-Python builds with sdist "pure", or lock a version that has a fitting wheel${runtimeHint}`,
            location: pkg.location,
        });
    }
    throw new errors/* UserError */.yo(`${artifacts_where(pkg)}: no file of ${pkg.name} ${pkg.version} in the lock fits ${targetName} (${listed}, no sdist)`, {
        hint: `${runs}. Lock a version that has such a wheel, or lock for this platform too (e.g. uv's tool.uv.required-environments)${runtimeHint}`,
        location: pkg.location,
    });
}

;// CONCATENATED MODULE: ./src/resolve/lock/markers.ts
/**
 * PEP 508 environment markers, parsed and evaluated in TypeScript for the Lambda target
 * (markerEnvironment in target.ts): lock files carry markers on packages and dependency edges,
 * and the packages a lock selects must be known before pip runs (the cache key is their hash).
 * The rules follow the packaging 26.2 that the pinned pip vendors (pip/_vendor/packaging/markers.py):
 * - python_version, python_full_version, implementation_version and platform_release compare as
 *   PEP 440 versions when the right side is a valid specifier (pre-releases included), otherwise
 *   as strings;
 * - string comparison: == and != as usual, <= and >= mean equality, < and > are always false,
 *   `in` / `not in` test substrings;
 * - `extra` names compare PEP 503-normalized; `extras` and `dependency_groups` (PEP 751 lock
 *   files) are sets of normalized names, tested with `in` / `not in`;
 * - `os.name`, `sys.platform`, `platform.python_implementation` and `python_implementation` are
 *   the legacy spellings of os_name, sys_platform and platform_python_implementation.
 */

class MarkerSyntaxError extends Error {
    marker;
    detail;
    constructor(marker, detail) {
        super(`invalid environment marker "${marker}": ${detail}`);
        this.marker = marker;
        this.detail = detail;
        this.name = 'MarkerSyntaxError';
    }
}
const VARIABLES = {
    python_version: 'python_version',
    python_full_version: 'python_full_version',
    os_name: 'os_name',
    'os.name': 'os_name',
    sys_platform: 'sys_platform',
    'sys.platform': 'sys_platform',
    platform_release: 'platform_release',
    platform_system: 'platform_system',
    platform_version: 'platform_version',
    platform_machine: 'platform_machine',
    platform_python_implementation: 'platform_python_implementation',
    'platform.python_implementation': 'platform_python_implementation',
    python_implementation: 'platform_python_implementation',
    implementation_name: 'implementation_name',
    implementation_version: 'implementation_version',
    extra: 'extra',
    extras: 'extras',
    dependency_groups: 'dependency_groups',
};
const VERSION_VARIABLES = new Set([
    'implementation_version',
    'platform_release',
    'python_full_version',
    'python_version',
]);
const SET_VARIABLES = new Set(['extras', 'dependency_groups']);
function tokenize(marker) {
    const tokens = [];
    let at = 0;
    const fail = (detail) => {
        throw new MarkerSyntaxError(marker, detail);
    };
    while (at < marker.length) {
        const rest = marker.slice(at);
        const space = /^\s+/.exec(rest);
        if (space) {
            at += space[0].length;
            continue;
        }
        const quoted = /^(?:'([^']*)'|"([^"]*)")/.exec(rest);
        const op = /^(?:===|==|~=|!=|<=|>=|<|>|not\s+in\b|in\b)/.exec(rest);
        const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);
        if (rest[0] === '(' || rest[0] === ')') {
            tokens.push({ kind: 'paren', text: rest[0], at });
            at += 1;
        }
        else if (quoted) {
            tokens.push({ kind: 'string', text: quoted[1] ?? quoted[2] ?? '', at });
            at += quoted[0].length;
        }
        else if (op) {
            tokens.push({ kind: 'op', text: op[0].replace(/\s+/, ' '), at });
            at += op[0].length;
        }
        else if (word && (word[0] === 'and' || word[0] === 'or')) {
            tokens.push({ kind: 'bool', text: word[0], at });
            at += word[0].length;
        }
        else if (word && VARIABLES[word[0]]) {
            tokens.push({ kind: 'variable', text: VARIABLES[word[0]], at });
            at += word[0].length;
        }
        else if (word) {
            fail(`unknown marker variable "${word[0]}" at position ${at + 1}`);
        }
        else {
            fail(`unexpected "${rest[0]}" at position ${at + 1}`);
        }
    }
    tokens.push({ kind: 'end', text: '', at });
    return tokens;
}
/** Parses a marker (the text after `;` in a requirement); throws MarkerSyntaxError. */
function parseMarker(marker) {
    const tokens = tokenize(marker);
    let index = 0;
    const peek = () => tokens[index];
    const next = () => tokens[index++];
    const fail = (detail) => {
        throw new MarkerSyntaxError(marker, detail);
    };
    const operand = () => {
        const token = next();
        if (token.kind === 'string')
            return { kind: 'string', value: token.text };
        if (token.kind === 'variable')
            return { kind: 'variable', name: token.text };
        return fail(`expected a marker variable or a quoted string at position ${token.at + 1}`);
    };
    const atom = () => {
        if (peek().kind === 'paren' && peek().text === '(') {
            next();
            const inner = orExpression();
            const close = next();
            if (close.kind !== 'paren' || close.text !== ')')
                fail(`expected ")" at position ${close.at + 1}`);
            return inner;
        }
        const left = operand();
        const op = next();
        if (op.kind !== 'op')
            fail(`expected a comparison operator at position ${op.at + 1}`);
        const right = operand();
        if (left.kind === 'string' && right.kind === 'string')
            fail('a comparison needs a marker variable on one side');
        if (left.kind === 'variable' && right.kind === 'variable')
            fail('a comparison needs a quoted string on one side');
        return { kind: 'compare', left, op: op.text, right };
    };
    const andExpression = () => {
        let node = atom();
        while (peek().kind === 'bool' && peek().text === 'and') {
            next();
            node = { kind: 'and', left: node, right: atom() };
        }
        return node;
    };
    const orExpression = () => {
        let node = andExpression();
        while (peek().kind === 'bool' && peek().text === 'or') {
            next();
            node = { kind: 'or', left: node, right: andExpression() };
        }
        return node;
    };
    const node = orExpression();
    const end = peek();
    if (end.kind !== 'end')
        fail(`unexpected "${end.text}" at position ${end.at + 1}`);
    return node;
}
/** PEP 503 normalization, as PEP 685 asks for extra names. */
function normalizeName(name) {
    return name.toLowerCase().replace(/[-_.]+/g, '-');
}
/** A clause such as ">=3.10" or "==3.*" that packaging's Specifier would accept. */
function isValidSpecifier(op, operand) {
    if (op === '===')
        return true;
    if (op === 'in' || op === 'not in')
        return false;
    const wildcard = operand.endsWith('.*');
    if (wildcard && op !== '==' && op !== '!=')
        return false;
    const version = wildcard ? operand.slice(0, -2) : operand;
    if (!(0,pep440/* isVersion */.lF)(version))
        return false;
    return op !== '~=' || version.split('.').length >= 2;
}
function compareStrings(left, op, right) {
    switch (op) {
        case 'in':
            return right.includes(left);
        case 'not in':
            return !right.includes(left);
        case '==':
        case '<=':
        case '>=':
        case '===':
            return left === right;
        case '!=':
            return left !== right;
        default:
            return false;
    }
}
function evaluateCompare(node, context) {
    const variable = node.left.kind === 'variable' ? node.left.name : node.right.name;
    const literal = node.left.kind === 'string' ? node.left.value : node.right.value;
    if (SET_VARIABLES.has(variable)) {
        const set = variable === 'extras' ? context.extras : context.dependencyGroups;
        const member = normalizeName(literal);
        const has = [...(set ?? [])].some((value) => normalizeName(value) === member);
        // `"dev" in dependency_groups`; the set is only ever on the right of in / not in.
        if (node.op === 'in')
            return has;
        if (node.op === 'not in')
            return !has;
        return false;
    }
    if (variable === 'extra') {
        // `extra == "x"` is true when the distribution was asked for with extra x (PEP 685 names).
        const wanted = normalizeName(literal);
        const has = [...(context.extras ?? [])].some((value) => normalizeName(value) === wanted);
        if (node.op === '==' || node.op === '===')
            return has;
        if (node.op === '!=')
            return !has;
        return false;
    }
    const value = context.environment[variable];
    const [left, right] = node.left.kind === 'variable' ? [value, literal] : [literal, value];
    if (VERSION_VARIABLES.has(variable) && isValidSpecifier(node.op, right)) {
        // packaging: Specifier(op + right).contains(left, prereleases=True); an invalid left is False.
        if (node.op === '===')
            return left === right;
        return (0,pep440/* isVersion */.lF)(left) && (0,pep440/* matchesClause */.bS)(left, node.op, right);
    }
    return compareStrings(left, node.op, right);
}
function evaluateNode(node, context) {
    switch (node.kind) {
        case 'and':
            return evaluateNode(node.left, context) && evaluateNode(node.right, context);
        case 'or':
            return evaluateNode(node.left, context) || evaluateNode(node.right, context);
        default:
            return evaluateCompare(node, context);
    }
}
/** Whether `marker` holds for the context; an empty or absent marker always holds. */
function evaluateMarker(marker, context) {
    if (marker === undefined || marker.trim() === '')
        return true;
    return evaluateNode(parseMarker(marker), context);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/error.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
function getLineColFromPtr(string, ptr) {
    let lines = string.slice(0, ptr).split(/\r?\n/);
    return [lines.length, lines.pop().length + 1];
}
function makeCodeBlock(string, line, column) {
    let lines = string.split(/\r?\n/);
    let codeblock = '';
    let numberLen = (Math.log10(line + 1) | 0) + 1;
    for (let i = line - 1; i <= line + 1; i++) {
        let l = lines[i - 1];
        if (!l)
            continue;
        codeblock += i.toString().padEnd(numberLen, ' ');
        codeblock += ':  ';
        codeblock += l;
        codeblock += '\n';
        if (i === line) {
            codeblock += ' '.repeat(numberLen + column + 2);
            codeblock += '^\n';
        }
    }
    return codeblock;
}
class TomlError extends Error {
    line;
    column;
    codeblock;
    constructor(message, options) {
        const [line, column] = getLineColFromPtr(options.toml, options.ptr);
        const codeblock = makeCodeBlock(options.toml, line, column);
        super(`Invalid TOML document: ${message}\n\n${codeblock}`, options);
        this.line = line;
        this.column = column;
        this.codeblock = codeblock;
    }
    /** @internal */
    static x(message, ctx, ptr) {
        throw new TomlError(message, { toml: ctx.s, ptr: ptr ?? ctx.p });
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/primitive.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function parseString(ctx) {
    let startPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p++);
    let first = c;
    let isLiteral = c === 0x27; /* ' */
    let isMultiline = c === ctx.s.charCodeAt(ctx.p) && c === ctx.s.charCodeAt(ctx.p + 1);
    if (isMultiline) {
        // Trim initial newline
        if ((c = ctx.s.charCodeAt(ctx.p += 2)) === 0xa /* \n */)
            ctx.p++;
        else if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)
            ctx.p += 2;
    }
    // For the record: it is not worth it to use a fast-path for literal strings using `indexOf`.
    // Doing a char-by-char iteration ends up dispatching less instructions, for the same wall-clock runtime.
    let parsed = '';
    let sliceStart = ctx.p;
    // states:
    //   0 - decoding
    //   1 - decoding escape
    //   2 - whitespace escape (no newline encountered yet, must fail on non-whitespace)
    //   3 - whitespace escape (newline encountered, allowed to transition back to normal decode)
    let state = 0;
    for (; ctx.p < ctx.s.length; ctx.p++) {
        c = ctx.s.charCodeAt(ctx.p);
        // Deal with newlines first, since that simplifies control character checking and handling across all states
        if (isMultiline && (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */))) {
            state = state && 3;
        }
        // Control characters are banned in TOML, so we throw an error if we encounter them
        else if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            TomlError.x('control characters are not allowed in strings', ctx);
        }
        // The string might terminate while we're parsing through a newline escape.
        // It must have encountered a newline; otherwise, it'll simply fail in another branch.
        else if ((!state || state === 3) && c === first && (!isMultiline || (ctx.s.charCodeAt(ctx.p + 1) === first && ctx.s.charCodeAt(ctx.p + 2) === first))) {
            if (isMultiline) {
                // If the string ends with 4-5 quotes, then the first 1-2 are part of the string
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
                if (ctx.s.charCodeAt(ctx.p + 3) === first)
                    ctx.p++;
            }
            // If we're in a newline escape still, then there's nothing to add.
            if (!state) {
                // Avoid a useless concat operation if the string can be used as-is.
                let s = ctx.s.slice(sliceStart, ctx.p);
                parsed = parsed ? parsed + s : s;
            }
            ctx.p += isMultiline ? 3 : 1;
            return parsed;
        }
        // Baseline state; keep moving forward unless an escape sequence starts
        else if (!state) {
            if (!isLiteral && c === 0x5c /* \ */) {
                parsed += ctx.s.slice(sliceStart, (sliceStart = ctx.p));
                state = 1;
            }
        }
        else if (state === 1) {
            if (c === 0x78 /* x */ || c === 0x75 /* u */ || c === 0x55 /* U */) { // Unicode escape
                let errPtr = ctx.p++ - 1;
                let value = 0;
                let len = c === 0x78 /* x */ ? 2 : c === 0x75 /* u */ ? 4 : 8;
                for (let j = 0; j < len; j++, ctx.p++) {
                    let hex = ctx.s.charCodeAt(ctx.p);
                    let digit = 
                    /* 0-9 */ hex >= 0x30 && hex <= 0x39 ? hex - 0x30 :
                        /* A-F */ hex >= 0x41 && hex <= 0x46 ? hex - 0x41 + 10 :
                            /* a-f */ hex >= 0x61 && hex <= 0x66 ? hex - 0x61 + 10 : -1;
                    if (digit < 0)
                        TomlError.x('invalid non-hex character in unicode escape', ctx);
                    value = (value << 4) | digit;
                }
                // Because JS does bitwise on signed 32bit integers, all 0xfzzzzzzz values are actually seen as negative
                if (value < 0 || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) {
                    TomlError.x('invalid unicode escape', ctx, errPtr);
                }
                parsed += String.fromCodePoint(value);
                sliceStart = ctx.p--;
                state = 0;
            }
            // Newline escape sequence. We only need to care about spaces and tabs; newlines are dealt with earlier
            else if (isMultiline && (c === 0x20 || c === 0x9 /* \t */)) {
                state = 2;
            }
            // Basic escape sequence
            else {
                if (c === 0x62 /* b */)
                    parsed += '\b';
                else if (c === 0x74 /* t */)
                    parsed += '\t';
                else if (c === 0x6e /* n */)
                    parsed += '\n';
                else if (c === 0x66 /* f */)
                    parsed += '\f';
                else if (c === 0x72 /* r */)
                    parsed += '\r';
                else if (c === 0x65 /* e */)
                    parsed += '\x1b';
                else if (c === 0x22 /* " */)
                    parsed += '"';
                else if (c === 0x5c /* \ */)
                    parsed += '\\';
                else
                    TomlError.x('unrecognised escape sequence', ctx);
                sliceStart = ctx.p + 1;
                state = 0;
            }
        }
        // Newline escape continuation: keep moving forward until the first non-whitespace char
        else if (c !== 0x20 && c !== 0x9 /* \t */) {
            if (state === 2)
                TomlError.x('invalid escape: only line-ending whitespace may be escaped', ctx, sliceStart);
            // State cannot be zero, or we'd have branched earlier already.
            // If it's a backslash, immediately transition to the escape state so it can be processed.
            state = !isLiteral && c === 0x5c /* \ */ ? 1 : 0;
            sliceStart = ctx.p;
        }
    }
    TomlError.x('unfinished string', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/date.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let DATE_TIME_RE = /^(\d{4}-\d{2}-\d{2})?[Tt ]?(?:(\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|z|[-+]\d{2}:\d{2})?$/i;
class TomlDate extends Date {
    #hasDate = false;
    #hasTime = false;
    #offset = null;
    constructor(date, fasttype, unsafeDelim) {
        let hasDate = true;
        let hasTime = true;
        let offset = 'Z';
        let c;
        if (typeof date === 'string') {
            if (fasttype)
                prep: {
                    // Date-time
                    if (fasttype < 3) {
                        if (+date.slice(11, 13) > 23) {
                            date = '';
                            break prep;
                        }
                        // Local
                        if (fasttype === 2) {
                            offset = null;
                            date += 'Z';
                        }
                        // Offset; keep track of offset if not Z
                        else if ((c = date.charCodeAt(date.length - 1)) !== 0x5a /* Z */ && c !== 0x7a /* z */) {
                            offset = date.slice(date.length - 6);
                        }
                        if (unsafeDelim)
                            date = date.slice(0, 10) + 'T' + date.slice(11);
                    }
                    // Time
                    else if (fasttype === 4) {
                        date = +date.slice(0, 2) > 23 ? '' : `0000-01-01T${date}Z`;
                    }
                    hasDate = fasttype !== 4;
                    hasTime = fasttype !== 3;
                }
            else {
                let match = date.match(DATE_TIME_RE);
                if (match) {
                    if (!match[1]) {
                        hasDate = false;
                        date = `0000-01-01T${date}`;
                    }
                    hasTime = !!match[2];
                    // Make sure to use T instead of a space. Breaks in case of extreme values otherwise.
                    hasTime && date[10] === ' ' && (date = date.replace(' ', 'T'));
                    // Do not allow rollover hours.
                    if (match[2] && +match[2] > 23) {
                        date = '';
                    }
                    else {
                        offset = match[3] || null;
                        if (!offset && hasTime)
                            date += 'Z';
                    }
                }
                else {
                    date = '';
                }
            }
        }
        super(date);
        if (!isNaN(this.getTime())) {
            this.#hasDate = hasDate;
            this.#hasTime = hasTime;
            this.#offset = offset;
        }
    }
    isDateTime() {
        return this.#hasDate && this.#hasTime;
    }
    isLocal() {
        return !this.#hasDate || !this.#hasTime || !this.#offset;
    }
    isDate() {
        return this.#hasDate && !this.#hasTime;
    }
    isTime() {
        return this.#hasTime && !this.#hasDate;
    }
    isValid() {
        return this.#hasDate || this.#hasTime;
    }
    toISOString() {
        let iso = super.toISOString();
        // Local Date
        if (this.isDate())
            return iso.slice(0, 10);
        // Local Time
        if (this.isTime())
            return iso.slice(11, 23);
        // Local DateTime
        if (this.#offset === null)
            return iso.slice(0, -1);
        // Offset DateTime
        if (this.#offset === 'Z' || this.#offset === 'z')
            return iso;
        // This part is quite annoying: JS strips the original timezone from the ISO string representation
        // Instead of using a "modified" date and "Z", we restore the representation "as authored"
        let offset = (+(this.#offset.slice(1, 3)) * 60) + +(this.#offset.slice(4, 6));
        offset = this.#offset[0] === '-' ? offset : -offset;
        let offsetDate = new Date(this.getTime() - (offset * 60e3));
        return offsetDate.toISOString().slice(0, -1) + this.#offset;
    }
    static wrapAsOffsetDateTime(jsDate, offset = 'Z') {
        let date = new TomlDate(jsDate);
        date.#offset = offset;
        return date;
    }
    static wrapAsLocalDateTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#offset = null;
        return date;
    }
    static wrapAsLocalDate(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasTime = false;
        date.#offset = null;
        return date;
    }
    static wrapAsLocalTime(jsDate) {
        let date = new TomlDate(jsDate);
        date.#hasDate = false;
        date.#offset = null;
        return date;
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/extract.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function isDigit(char, base = 10) {
    return base === 16
        ? (char > 0x2f && char < 0x3a) || (char > 0x40 && char < 0x47) || (char > 0x60 && char < 0x67)
        : (char > 0x2f && char < 0x30 + base);
}
function isEndOfValue(char, delim) {
    // Whitespace -- we're permissive on `\r` for performance; it'll be dealt with later anyway
    return char === 0x20 || char === 0x9 /* \t */ || char === 0xa /* \n */ || char === 0xd /* \r */ ||
        // Structure end or next value delimiter
        (delim && (char === delim || char === 0x2c /* , */)) ||
        // Comment
        char === 0x23; /* # */
}
/** @internal */
function extractValue(ctx, end) {
    let errPtr = ctx.p;
    let c = ctx.s.charCodeAt(ctx.p);
    // Structs
    if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
        ctx.d-- || TomlError.x('document contains excessively nested structures. aborting.', ctx);
        let value = c === 0x5b /* [ */
            ? parseArray(ctx)
            : parseInlineTable(ctx);
        ctx.d++;
        return value;
    }
    // Strings
    if (c === 0x22 /* " */ || c === 0x27 /* ' */) {
        return parseString(ctx);
    }
    // Booleans
    // We can fast-path because the first character is enough to know the only possible value
    if (c === 0x74 /* t */) { // Only possible valid value is `true`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x72 || ctx.s.charCodeAt(++ctx.p) !== 0x75 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, true;
    }
    if (c === 0x66 /* f */) { // Only possible valid value is `false`
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6c || ctx.s.charCodeAt(++ctx.p) !== 0x73 || ctx.s.charCodeAt(++ctx.p) !== 0x65)
            TomlError.x('invalid value', ctx, errPtr);
        return ctx.p++, false;
    }
    if (c === 0x2b /* + */ || c === 0x2d /* - */) {
        return parseNumber(ctx, ctx.p, ctx.s.charCodeAt(++ctx.p), 0x2c - c, end);
    }
    // Rough heuristic, but `parseDate` falls back to number parsing if it's a false positive.
    // e.g.: `a = 1\n-------------- = 1` would match this heuristic, but gracefully fallback to numbers.
    if (ctx.s.charCodeAt(ctx.p + 4) === 0x2d /* - */ && ctx.s.charCodeAt(ctx.p + 7) === 0x2d /* - */) {
        return parseDate(ctx, c, end);
    }
    // Same logic as above; `parseTime` falls back to number parsing if it's a false positive.
    if (ctx.s.charCodeAt(ctx.p + 2) === 0x3a /* : */) {
        return parseTime(ctx, c, end);
    }
    return parseNumber(ctx, ctx.p, c, 0, end);
}
// State:
// 0: init
// 1: integer
// 2: fractional dot
// 3: fractional
// 4: exponent letter
// 5: exponent
// 6: exponent sign
// 7: exponent with sign
// >9: underscore; see below
//     -> 12: was integer
//     -> 14: was fractional
//     -> 16: was exponent
// states 2-5, 14, 16 are ONLY permitted iif base === 10
function parseNumber(ctx, startPtr, startChr, sign, endChr) {
    let c = startChr;
    let state = 0;
    let hasUnderscores = false;
    // (+/-)inf
    if (c === 0x69 /* i */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x6e || ctx.s.charCodeAt(++ctx.p) !== 0x66)
            TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, (sign || 1) / 0;
    }
    // (+/-)nan
    if (c === 0x6e /* n */) {
        if (ctx.s.charCodeAt(++ctx.p) !== 0x61 || ctx.s.charCodeAt(++ctx.p) !== 0x6e)
            TomlError.x('invalid value', ctx, startPtr);
        return ctx.p++, NaN;
    }
    // Leading zero
    // Only allowed cases: `0<EOV>`, `0.(...)`, `0e(...)`, `0x(...)`, `0b(...)`, `0o(...)`
    // FWIW, `0e(...)` is a stupid case, but it's not banned per-se so we have to parse it
    if (c === 0x30 /* 0 */) {
        if (++ctx.p >= ctx.s.length || isEndOfValue(c = ctx.s.charCodeAt(ctx.p), endChr))
            return ctx.bi === true ? 0n : 0; // note: conveniently deals with `-0`
        if (!sign) {
            if (c === 0x78 /* x */)
                return parseIntegerBaseN(ctx, startPtr, 16, endChr);
            else if (c === 0x62 /* b */)
                return parseIntegerBaseN(ctx, startPtr, 2, endChr);
            else if (c === 0x6f /* o */)
                return parseIntegerBaseN(ctx, startPtr, 8, endChr);
        }
        if (c === 0x2e /* . */)
            state = 2;
        else if (c === 0x65 /* e */ || c === 0x45 /* E */)
            state = 4;
        else
            TomlError.x('illegal leading zero', ctx, startPtr);
    }
    // If the 1st char is not a digit by now, then it's not a valid TOML value at all
    else if (!isDigit(c))
        TomlError.x('invalid value', ctx, startPtr);
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (!state)
            state = 1; // Detects single-digit numbers we can use a fast parse path for
        // The way the states are numbered is not random: underscores are always permitted in odd-numbered states and
        // never permitted in even-numbered ones.
        if (c === 0x5f /* _ */) {
            if (!(state & 1))
                TomlError.x('illegal underscore', ctx);
            state += 11; // 11 is a marker that makes the state even and greater than 9; see the numbering + rationale above
            hasUnderscores = true;
        }
        // Transition to fractional part.
        else if (state === 1 && c === 0x2e /* . */)
            state = 2;
        // Transition to exponent part.
        else if ((state === 1 || state === 3) && (c === 0x65 /* e */ || c === 0x45 /* E */))
            state = 4;
        // + and - are permitted in state 4 only (handled before entering the function for state 0)
        else if (state === 4 && (c === 0x2b /* + */ || c === 0x2d /* - */)) {
            state = 6;
        }
        // All special cases have been handled; only digits are allowed here
        else if (!isDigit(c))
            TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear state flags
        else if (state > 9)
            state -= 11;
        else if (!(state & 1))
            state++;
    }
    // Single-char number; we can fast-path these very easily.
    if (!state) {
        let val = (startChr - 0x30 /* 0 */) * (sign || 1);
        return ctx.bi === true ? BigInt(val) : val;
    }
    // Even-numbered states absolutely require a digit next; not even end of value is permitted
    if (!(state & 1))
        TomlError.x('unfinished numeric value', ctx, startPtr);
    let str = ctx.s.slice(startPtr, ctx.p);
    if (hasUnderscores)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return state > 1
        ? parseFloat(str)
        : parseInteger(ctx, str, 10, startPtr);
}
function parseIntegerBaseN(ctx, startPtr, base, endChr) {
    let c, underscore = 1;
    while (++ctx.p < ctx.s.length && (c = ctx.s.charCodeAt(ctx.p), !isEndOfValue(c, endChr))) {
        if (c === 0x5f /* _ */) {
            if (underscore & 1)
                TomlError.x('illegal underscore', ctx);
            underscore = 3;
        }
        // We only need to check if the number is a valid digit, nothing else is permitted
        else if (!isDigit(c, base))
            TomlError.x(`illegal character in numeric literal`, ctx);
        // Clear underscore flag
        else if (underscore & 1)
            underscore--;
    }
    // Trailing underscore is not allowed
    if (underscore & 1)
        TomlError.x('unfinished numeric value', ctx);
    let str = ctx.s.slice(startPtr + 2, ctx.p);
    if (underscore)
        str = str.replaceAll('_', ''); // perf: replaceAll 1.25x faster than replace with a regex
    return parseInteger(ctx, str, base, startPtr);
}
function parseInteger(ctx, str, base, startPtr) {
    if (ctx.bi !== true)
        int: {
            let val = parseInt(str, base);
            if (!Number.isSafeInteger(val)) {
                if (ctx.bi)
                    break int;
                TomlError.x('integer value cannot be represented losslessly', ctx, startPtr);
            }
            return val;
        }
    return base === 10 ? BigInt(str) : BigInt((base === 2 ? '0b' : base === 8 ? '0o' : '0x') + str);
}
function parseDate(ctx, c, endChr) {
    let startPtr = ctx.p++, unsafeSeparator;
    if (!isDigit(c) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++)) ||
        !isDigit(ctx.s.charCodeAt(ctx.p++))) {
        return parseNumber(ctx, ctx.p = startPtr, c, 0, endChr);
    }
    ctx.p += 5;
    if (!isDigit(ctx.s.charCodeAt(ctx.p++)))
        TomlError.x('invalid date-time: date part is malformed', ctx, startPtr);
    if (ctx.p >= ctx.s.length || (((c = ctx.s.charCodeAt(ctx.p)) !== 0x20 || (unsafeSeparator = true, !isDigit(ctx.s.charCodeAt(ctx.p + 1)))) && c !== 0x54 /* T */ && c !== 0x74 /* t */)) {
        let t = ctx.s.slice(startPtr, ctx.p);
        return readDate(ctx, t, 3, false, startPtr);
    }
    if (ctx.s.charCodeAt(ctx.p += 3) !== 0x3a /* : */)
        TomlError.x('invalid date-time: time part is malformed', ctx, startPtr);
    if (ctx.s.charCodeAt(ctx.p += 3) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    if (c = ctx.s.charCodeAt(ctx.p)) {
        if (c === 0x5a /* Z */ || c === 0x7a /* z */) {
            let t = ctx.s.slice(startPtr, ++ctx.p);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, '[+00:00]');
        }
        if (c === 0x2b /* + */ || c === 0x2d /* - */) {
            // Temporal's ZonedDateTime is weird asf when it comes to dealing with traditional offsets...
            // It's 1.2x faster to allocate a new string to pass to ZDT than use Instant.toZonedDateTimeISO
            let t = ctx.s.slice(startPtr, ctx.p += 6);
            return readDate(ctx, t, 1, unsafeSeparator, startPtr, !ctx.ld && ('[' + ctx.s.slice(ctx.p - 6, ctx.p) + ']'));
        }
    }
    let t = ctx.s.slice(startPtr, ctx.p);
    return readDate(ctx, t, 2, unsafeSeparator, startPtr);
}
function parseTime(ctx, c, endChr) {
    let start = ctx.p;
    if (!isDigit(c) || !isDigit(ctx.s.charCodeAt(++ctx.p))) {
        return parseNumber(ctx, --ctx.p, c, 0, endChr);
    }
    if (ctx.s.charCodeAt(ctx.p += 4) === 0x3a /* : */)
        ctx.p += 3;
    if (ctx.s.charCodeAt(ctx.p) === 0x2e /* . */)
        while (isDigit(ctx.s.charCodeAt(++ctx.p)))
            ;
    let t = ctx.s.slice(start, ctx.p);
    return readDate(ctx, t, 4, false, start);
}
function readDate(ctx, str, type, unsafeDelim, errPtr, temporalSuffix) {
    if (ctx.ld) {
        let date = new TomlDate(str, type, unsafeDelim);
        if (!date.isValid())
            TomlError.x('invalid date', ctx, errPtr);
        return date;
    }
    try {
        if (temporalSuffix)
            str += temporalSuffix;
        switch (type) {
            case 1: return Temporal.ZonedDateTime.from(str);
            case 2: return Temporal.PlainDateTime.from(str);
            case 3: return Temporal.PlainDate.from(str);
            case 4: return Temporal.PlainTime.from(str);
        }
    }
    catch (e) {
        TomlError.x(e instanceof Error ? e.message : '' + e, ctx, errPtr);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/util.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */

/** @internal */
function skipComment(ctx) {
    for (; ctx.p < ctx.s.length; ctx.p++) {
        let c = ctx.s.charCodeAt(ctx.p);
        if (c === 0xa /* \n */)
            break;
        if (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */) {
            ctx.p++;
            break;
        }
        if ((c < 0x20 && c !== 0x9 /* \t */) || c === 0x7f) {
            TomlError.x('control characters are not allowed in comments', ctx);
        }
    }
}
/** @internal */
function skipVoid(ctx, banNewLines, banComments) {
    let c;
    while (ctx.p < ctx.s.length) {
        while (ctx.p < ctx.s.length && ((c = ctx.s.charCodeAt(ctx.p)) === 0x20 ||
            c === 0x9 /* \t */ ||
            (!banNewLines &&
                (c === 0xa /* \n */ || (c === 0xd /* \r */ && ctx.s.charCodeAt(ctx.p + 1) === 0xa /* \n */)))))
            ctx.p++;
        if (banComments || c !== 0x23 /* # */)
            break;
        skipComment(ctx);
    }
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/struct.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




/** @internal */
function parseKey(ctx, end = 0x3d /* = */) {
    // States:
    // 0: before first char
    // 1: parsing bare key
    // 2: after key component
    let startPtr;
    let state = 0;
    let parsed = [];
    let sliceStart;
    let c = ctx.s.charCodeAt(startPtr = ctx.p);
    do {
        // End of key
        if (c === end) {
            if (!state)
                TomlError.x('unexpected end of key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            return ctx.p++, parsed;
        }
        // Dotted key separator
        else if (c === 0x2e /* . */) {
            if (!state)
                TomlError.x('illegal empty bare key', ctx);
            if (state === 1)
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
            state = 0;
        }
        // Quoted key
        else if (!state && (c === 0x22 /* " */ || c === 0x27 /* ' */)) {
            if (c === ctx.s.charCodeAt(ctx.p + 1) && c === ctx.s.charCodeAt(ctx.p + 2))
                TomlError.x('illegal quoted key: multiline strings are not allowed', ctx);
            parsed.push(parseString(ctx));
            state = 2;
            ctx.p--;
        }
        // Whitespace; no-op in state 0 and 2, end of bare key in state 1
        else if (c === 0x20 || c === 0x9 /* \t */) {
            if (state === 1) {
                parsed.push(ctx.s.slice(sliceStart, ctx.p));
                state = 2;
            }
        }
        // If state is post-key, no character is allowed; otherwise ensure it's a bare-key component
        else if (state === 2 || (c < 0x30 && c !== 0x2d /* - */) || (c > 0x39 && c < 0x41) || (c > 0x5a && c < 0x61 && c !== 0x5f /* _ */) || c > 0x7a) {
            TomlError.x('illegal character in key', ctx);
        }
        // Illegal character
        else if (!state) {
            state = 1;
            sliceStart = ctx.p;
        }
    } while (c = ctx.s.charCodeAt(++ctx.p));
    TomlError.x('incomplete key-value: cannot find end of key', ctx, startPtr);
}
/** @internal */
function parseInlineTable(ctx) {
    let startPtr = ctx.p++;
    let res = Object.create(null);
    let seen = new Set();
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x7d /* } */) {
            ctx.p++;
            return res;
        }
        let k;
        let t = res;
        let hasOwn = false;
        let errPtr = ctx.p;
        let key = parseKey(ctx);
        for (let i = 0; i < key.length; i++) {
            if (i)
                t = hasOwn ? t[k] : (t[k] = Object.create(null));
            k = key[i];
            if ((hasOwn = Object.hasOwn(t, k)) && (typeof t[k] !== 'object' || seen.has(t[k]))) {
                TomlError.x('trying to redefine an already defined value', ctx, errPtr);
            }
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor')) {
                t = ctx.uk !== 1 && TomlError.x('document contains an unsafe property', ctx, errPtr);
                break;
            }
            if (!hasOwn && unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
            }
        }
        if (hasOwn) {
            TomlError.x('trying to redefine an already defined value', ctx, errPtr);
        }
        skipVoid(ctx, true, true);
        let value = extractValue(ctx, 0x7d /* } */);
        if (t && typeof (t[k] = value) === 'object')
            seen.add(value);
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x7d /* } */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    TomlError.x('unfinished table', ctx, startPtr);
}
/** @internal */
function parseArray(ctx) {
    let startPtr = ctx.p++;
    let res = [];
    let c;
    while (ctx.p < ctx.s.length) {
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p)) === 0x5d /* ] */) {
            ctx.p++;
            return res;
        }
        res.push(extractValue(ctx, 0x5d /* ] */));
        skipVoid(ctx);
        if ((c = ctx.s.charCodeAt(ctx.p++)) === 0x5d /* ] */) {
            return res;
        }
        if (c !== 0x2c /* , */)
            TomlError.x('expected comma or end of structure', ctx, ctx.p - 1);
    }
    TomlError.x('unfinished array', ctx, startPtr);
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/parse.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */




function peekTable(ctx, key, table, meta, type) {
    let t = table;
    let m = meta;
    let k;
    let hasOwn = false;
    let state;
    for (let i = 0; i < key.length; i++) {
        if (i) {
            t = hasOwn ? t[k] : (t[k] = Object.create(null));
            m = (state = m[k]).c;
            if (type === 0 /* Type.DOTTED */ && (state.t === 1 /* Type.EXPLICIT */ || state.t === 2 /* Type.ARRAY */)) {
                return null;
            }
            if (state.t === 2 /* Type.ARRAY */) {
                let l = t.length - 1;
                t = t[l];
                m = m[l].c;
            }
        }
        k = key[i];
        if ((hasOwn = Object.hasOwn(t, k)) && m[k]?.t === 0 /* Type.DOTTED */ && m[k]?.d) {
            return null;
        }
        if (!hasOwn) {
            let unsafe = k === '__proto__';
            if (ctx.uk && (unsafe || k === 'constructor'))
                return false;
            if (unsafe) {
                Object.defineProperty(t, k, { enumerable: true, configurable: true, writable: true });
                Object.defineProperty(m, k, { enumerable: true, configurable: true, writable: true });
            }
            m[k] = {
                t: i < key.length - 1 && type === 2 /* Type.ARRAY */
                    ? 3 /* Type.ARRAY_DOTTED */ : type,
                d: false,
                i: 0,
                c: Object.create(null),
            };
        }
    }
    state = m[k];
    if (state.t !== type && !(type === 1 /* Type.EXPLICIT */ && state.t === 3 /* Type.ARRAY_DOTTED */)) {
        // Bad key type!
        return null;
    }
    if (type === 2 /* Type.ARRAY */) {
        if (!state.d) {
            state.d = true;
            t[k] = [];
        }
        t[k].push(t = Object.create(null));
        state.c[state.i++] = (state = { t: 1 /* Type.EXPLICIT */, d: false, i: 0, c: Object.create(null) });
    }
    if (state.d) {
        // Redefining a table!
        return null;
    }
    state.d = true;
    if (type === 1 /* Type.EXPLICIT */) {
        t = hasOwn ? t[k] : (t[k] = Object.create(null));
    }
    else if (type === 0 /* Type.DOTTED */ && hasOwn) {
        return null;
    }
    return [k, t, state.c];
}
function validateTablePeek(ctx, peek, ptr) {
    if (peek === null || ctx.uk === 2)
        TomlError.x(peek === null
            ? 'trying to redefine an already defined table or value'
            : 'document contains an unsafe property', ctx, ptr);
}
function parse(toml, options = {}) {
    let ctx = {
        s: toml,
        p: 0,
        d: options.maxDepth ?? 1000,
        bi: options.integersAsBigInt ?? false,
        ld: options.useLegacyDate ?? true,
        uk: options.unsafeKeyBehaviour === 'throw' ? 2 : options.unsafeKeyBehaviour === 'drop' ? 1 : 0,
    };
    let res = Object.create(null);
    let meta = Object.create(null);
    let tmp;
    let skipping = false;
    let tbl = res;
    let m = meta;
    // BOM is allowed, skip.
    // JS is UTF-16, so we have to check for the UTF-16 BOM instead of the UTF-8 BOM sequence!
    if (toml.charCodeAt(0) === 0xfeff)
        ctx.p++;
    skipVoid(ctx);
    while (ctx.p < toml.length) {
        if (toml.charCodeAt(ctx.p) === 0x5b /* [ */) {
            let isTableArray = toml.charCodeAt(++ctx.p) === 0x5b; /* [ */
            tmp = ctx.p += +isTableArray;
            skipping = false;
            let k = parseKey(ctx, 0x5d /* ] */);
            if (isTableArray) {
                if (toml.charCodeAt(ctx.p) !== 0x5d /* ] */) {
                    TomlError.x('expected end of table array declaration', ctx);
                }
                ctx.p++;
            }
            let p = peekTable(ctx, k, res, meta, isTableArray ? 2 /* Type.ARRAY */ : 1 /* Type.EXPLICIT */);
            if (!p) {
                validateTablePeek(ctx, p, tmp);
                skipping = true;
            }
            else {
                m = p[2];
                tbl = p[1];
            }
        }
        else {
            tmp = ctx.p;
            let k = parseKey(ctx);
            let p = peekTable(ctx, k, tbl, m, 0 /* Type.DOTTED */);
            if (!p && !skipping)
                validateTablePeek(ctx, p, tmp);
            skipVoid(ctx, true, true);
            let v = extractValue(ctx, void 0);
            if (p && !skipping)
                p[1][p[0]] = v;
        }
        skipVoid(ctx, true);
        if (ctx.p < toml.length && (tmp = toml.charCodeAt(ctx.p)) !== 0xa /* \n */ && (tmp !== 0xd /* \r */ || toml.charCodeAt(ctx.p + 1) !== 0xa /* \n */)) {
            TomlError.x('each key-value declaration must be followed by an end-of-line', ctx);
        }
        skipVoid(ctx);
    }
    return res;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/stringify.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */
let BARE_KEY = /^[a-z0-9-_]+$/i;
let HAS_WELLFORMED = !!(''.isWellFormed);
function extendedTypeOf(obj) {
    let type = typeof obj;
    if (type === 'object') {
        if (Array.isArray(obj))
            return 'array';
        if (typeof obj.getUTCDate === 'function' && obj instanceof Date)
            return 'date';
        if (globalThis.Temporal) {
            if (obj.until) {
                if (obj instanceof Temporal.ZonedDateTime)
                    return 'temporal/tz+uc';
                if (obj instanceof Temporal.PlainDateTime || obj instanceof Temporal.PlainDate)
                    return 'temporal/uc';
                if (obj instanceof Temporal.PlainTime || obj instanceof Temporal.Instant)
                    return 'temporal';
                if (obj instanceof Temporal.PlainYearMonth)
                    return 'temporal/x';
            }
            else if ((obj.toPlainDate && obj instanceof Temporal.PlainMonthDay) ||
                (obj.negated && obj instanceof Temporal.Duration)) {
                return 'temporal/x';
            }
        }
    }
    return type;
}
function isArrayOfTables(obj) {
    for (let i = 0; i < obj.length; i++) {
        if (extendedTypeOf(obj[i]) !== 'object')
            return false;
    }
    return obj.length != 0;
}
function formatWellFormedStringUnchecked(s) {
    return JSON.stringify(s).replaceAll('\x7f', '\\u007f');
}
function formatString(s) {
    return formatWellFormedStringUnchecked(HAS_WELLFORMED ? s.toWellFormed() : s);
}
function formatKey(s) {
    if (BARE_KEY.test(s))
        return s;
    if (HAS_WELLFORMED && !s.isWellFormed())
        throw new RangeError('key contains illegal lone surrogates');
    return formatWellFormedStringUnchecked(s);
}
function stringifyValue(val, type, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    switch (type) {
        // @ts-expect-error -- intentional fallthrough case
        case 'number':
            if (isNaN(val))
                return 'nan';
            if (val === Infinity)
                return 'inf';
            if (val === -Infinity)
                return '-inf';
            if (Number.isInteger(val) && (numberAsFloat || !Number.isSafeInteger(val)))
                return val.toFixed(1);
        case 'bigint':
        case 'boolean':
        case 'temporal':
            return val.toString();
        case 'string':
            return formatString(val);
        case 'date':
            if (isNaN(val.getTime()))
                throw new TypeError('cannot serialize invalid date');
            return val.toISOString();
        case 'object':
            return stringifyInlineTable(val, depth, numberAsFloat, strictTemporal);
        case 'array':
            return stringifyArray(val, depth, numberAsFloat, strictTemporal);
        // @ts-expect-error -- intentional fallthrough case
        case 'temporal/tz+uc':
            if (strictTemporal) {
                let tz = val.timeZoneId;
                let tzc = tz.charCodeAt(0);
                if (
                // Classic offset
                tzc !== 0x2b /* + */ && tzc !== 0x2d /* - */ &&
                    (
                    // Fast pre-check pass; see below for the actually accepted values
                    (tzc !== 0x55 /* U */ && tzc !== 0x47 /* G */ && tzc !== 0x5a /* Z */ && tzc !== 0x45 /* E */) ||
                        (
                        // UTC and its aliases; Temporal implementations don't all canonicalise unfortunately
                        tz !== 'UTC' && tz !== 'UCT' && tz !== 'Universal' && tz !== 'Zulu' &&
                            // GMT is a TZ but it's for all intents and purposes equivalent to UTC. Safe to downgrade.
                            !tz.startsWith('GMT') && tz !== 'Greenwich' &&
                            // Etc/* are all safe to downgrade to offset (either UTC, GMT, or offset)
                            !tz.startsWith('Etc/')))) {
                    throw new TypeError('Temporal objects with an IANA timezone are not allowed in Temporal strict mode');
                }
            }
        case 'temporal/uc':
            if (strictTemporal && val.calendarId !== 'iso8601')
                throw new TypeError('Temporal objects with a non-default calendar are not allowed in Temporal strict mode');
            return val.toString({
                calendarName: 'never',
                timeZoneName: 'never',
            });
        case 'temporal/x':
            throw new TypeError('Unsupported ' + val[Symbol.toStringTag]);
    }
}
function stringifyInlineTable(obj, depth, numberAsFloat, strictTemporal) {
    let keys = Object.keys(obj);
    if (keys.length === 0)
        return '{}';
    let res = '{ ';
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (i)
            res += ', ';
        res += formatKey(k) + ' = ' + stringifyValue(obj[k], extendedTypeOf(obj[k]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' }';
}
function stringifyArray(array, depth, numberAsFloat, strictTemporal) {
    if (array.length === 0)
        return '[]';
    let res = '[ ';
    for (let i = 0; i < array.length; i++) {
        if (i)
            res += ', ';
        if (array[i] === null || array[i] === void 0) {
            throw new TypeError('arrays cannot contain null or undefined values');
        }
        res += stringifyValue(array[i], extendedTypeOf(array[i]), depth - 1, numberAsFloat, strictTemporal);
    }
    return res + ' ]';
}
function stringifyArrayTable(array, key, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let res = '';
    for (let i = 0; i < array.length; i++) {
        res += `${res && '\n'}[[${key}]]\n`;
        res += stringifyTable(0, array[i], key, depth, numberAsFloat, strictTemporal);
    }
    return res;
}
function stringifyTable(tableKey, obj, prefix, depth, numberAsFloat, strictTemporal) {
    if (depth === 0) {
        throw new Error('Could not stringify the object: maximum object depth exceeded');
    }
    let preamble = '';
    let tables = '';
    let keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
        let k = keys[i];
        if (obj[k] !== null && obj[k] !== void 0) {
            let type = extendedTypeOf(obj[k]);
            if (type === 'symbol' || type === 'function') {
                throw new TypeError(`cannot serialize values of type '${type}'`);
            }
            let key = formatKey(k);
            if (type === 'array' && isArrayOfTables(obj[k])) {
                tables += (tables && '\n') + stringifyArrayTable(obj[k], prefix ? `${prefix}.${key}` : key, depth - 1, numberAsFloat, strictTemporal);
            }
            else if (type === 'object') {
                let tblKey = prefix ? `${prefix}.${key}` : key;
                tables += (tables && '\n') + stringifyTable(tblKey, obj[k], tblKey, depth - 1, numberAsFloat, strictTemporal);
            }
            else {
                preamble += key;
                preamble += ' = ';
                preamble += stringifyValue(obj[k], type, depth, numberAsFloat, strictTemporal);
                preamble += '\n';
            }
        }
    }
    if (tableKey && (preamble || !tables)) // Create table only if necessary
        preamble = preamble ? `[${tableKey}]\n${preamble}` : `[${tableKey}]`;
    return preamble && tables
        ? `${preamble}\n${tables}`
        : preamble || tables;
}
function stringify(obj, { maxDepth = 1000, numbersAsFloat = false, strictTemporal = false } = {}) {
    if (extendedTypeOf(obj) !== 'object') {
        throw new TypeError('stringify can only be called with an object');
    }
    let str = stringifyTable(0, obj, '', maxDepth, numbersAsFloat, strictTemporal);
    if (str[str.length - 1] !== '\n')
        return str + '\n';
    return str;
}

;// CONCATENATED MODULE: ./node_modules/smol-toml/dist/index.js
/*!
 * Copyright (c) Squirrel Chat et al., All rights reserved.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions are met:
 *
 * 1. Redistributions of source code must retain the above copyright notice, this
 *    list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright notice,
 *    this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 * 3. Neither the name of the copyright holder nor the names of its contributors
 *    may be used to endorse or promote products derived from this software without
 *    specific prior written permission.
 *
 * THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
 * WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
 * DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
 * SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
 * CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
 * OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
 * OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
 */





/** @deprecated use `import * as ... from 'smol-toml'` instead */
/* harmony default export */ const dist = ({ parse: parse, stringify: stringify, TomlDate: TomlDate, TomlError: TomlError });

;// CONCATENATED MODULE: ./src/resolve/lock/toml-lines.ts
/**
 * TOML parsers (smol-toml) give values, not positions; errors must name the line of a lock entry.
 * Lock files write their entries as arrays of tables (`[[package]]`, `[[packages]]`), one header
 * per entry in order, so the Nth header is the Nth entry's line.
 */


/** 1-based line of every `[[name]]` header, in order. */
function arrayTableLines(text, name) {
    const lines = [];
    const header = new RegExp(`^\\s*\\[\\[\\s*${name.replace(/\./g, '\\.')}\\s*\\]\\]\\s*(#.*)?$`);
    text.split(/\r?\n/).forEach((line, index) => {
        if (header.test(line))
            lines.push(index + 1);
    });
    return lines;
}
/** 1-based line of the first line matching `pattern`, if any. */
function lineOf(text, pattern, from = 1) {
    const lines = text.split(/\r?\n/);
    for (let i = Math.max(0, from - 1); i < lines.length; i++)
        if (pattern.test(lines[i] ?? ''))
            return i + 1;
    return undefined;
}
/** Parses TOML; a syntax error becomes one UserError with the file and line. */
function parseTomlFile(text, file, what) {
    try {
        return parse(text);
    }
    catch (error) {
        const line = error.line;
        const detail = (error.message.split('\n')[0] ?? '').trim();
        throw new errors/* UserError */.yo(`${file}${line ? `:${line}` : ''}: not valid TOML (${detail})`, {
            hint: `fix the ${what} or write it again with the tool that made it`,
            location: { file, ...(line ? { line } : {}) },
        });
    }
}
/** Narrowing helpers for parsed TOML/JSON: a lock is data written by another tool. */
const asTable = (value) => value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
    ? value
    : undefined;
const asArray = (value) => (Array.isArray(value) ? value : []);
const asString = (value) => typeof value === 'string' ? value : undefined;
const asStrings = (value) => asArray(value).filter((v) => typeof v === 'string');
/** `text` as a literal inside a regular expression. */
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

;// CONCATENATED MODULE: ./src/resolve/lock/pylock.ts
/**
 * pylock.toml (PEP 751, https://packaging.python.org/en/latest/specifications/pylock-toml/):
 * every package whose `marker` holds for the target, with `extras` and `dependency_groups` as
 * the sets the user chose (default: the lock's `default-groups`). The lock is refused when its
 * `environments` or `requires-python` exclude the target, or when a selected package comes from
 * a directory, VCS checkout or archive URL (only index files can be hash-checked here).
 */






function lockedFile(value) {
    const table = asTable(value);
    if (!table)
        return undefined;
    const url = asString(table.url) ?? asString(table.path);
    const filename = asString(table.name) ?? (url ? decodeURIComponent(url.split(/[/\\]/).pop() ?? '') : undefined);
    if (!filename)
        return undefined;
    const sha256 = asString(asTable(table.hashes)?.sha256)?.toLowerCase();
    return { filename, ...(sha256 ? { sha256 } : {}) };
}
/** Evaluates a marker from the lock, turning a syntax error into one located UserError. */
function markerHolds(marker, context, location) {
    try {
        return evaluateMarker(marker, context);
    }
    catch (error) {
        if (!(error instanceof MarkerSyntaxError))
            throw error;
        throw new errors/* UserError */.yo(`${location.file}${location.line ? `:${location.line}` : ''}: ${error.message}`, {
            hint: 'fix the marker or write the lock again with the tool that made it',
            location,
        });
    }
}
function selectFromPylock(text, file, target, choices) {
    const lock = parseTomlFile(text, file, 'pylock.toml');
    const version = asString(lock['lock-version']);
    if (!version || !/^1(\.|$)/.test(version)) {
        throw new errors/* UserError */.yo(`${file}: lock-version "${version ?? '(missing)'}" is not a pylock.toml version this tool reads (1.x)`, {
            hint: 'write the lock with a PEP 751 tool (pip lock, uv export --format pylock.toml, pdm export -f pylock)',
            location: { file, line: 1 },
        });
    }
    const environment = (0,src_target/* markerEnvironment */.wp)(target);
    const fileContext = { environment };
    const targetName = `${target.runtime} ${target.architecture}`;
    const requiresPython = asString(lock['requires-python']);
    if (requiresPython && !(0,pep440/* satisfies */.ib)(target.pythonFullVersion, requiresPython)) {
        throw new errors/* UserError */.yo(`${file}: the lock's requires-python "${requiresPython}" excludes ${targetName} (Python ${target.pythonFullVersion})`, {
            hint: 'choose a runtime inside that range, or lock again for this Python',
            location: { file },
        });
    }
    const environments = asStrings(lock.environments);
    if (environments.length > 0 && !environments.some((marker) => markerHolds(marker, fileContext, { file }))) {
        throw new errors/* UserError */.yo(`${file}: none of the lock's environments (${environments.join('; ')}) is ${targetName}`, {
            hint: 'lock again including Linux on this architecture and Python version',
            location: { file },
        });
    }
    const known = new Set(asStrings(lock['dependency-groups']).map(normalizeProjectName));
    const knownExtras = new Set(asStrings(lock.extras).map(normalizeProjectName));
    for (const group of choices.groups) {
        if (!known.has(group)) {
            throw new errors/* UserError */.yo(`${file}: the lock has no dependency group "${group}" (it has: ${[...known].join(', ') || 'none'})`, {
                hint: 'choose groups the lock was made with (input "groups" / --groups)',
                location: { file },
            });
        }
    }
    for (const extra of choices.extras) {
        if (!knownExtras.has(extra)) {
            throw new errors/* UserError */.yo(`${file}: the lock has no extra "${extra}" (it has: ${[...knownExtras].join(', ') || 'none'})`, {
                hint: 'choose extras the lock was made with (input "extras" / --extras)',
                location: { file },
            });
        }
    }
    const groups = choices.groups.length > 0 ? choices.groups : asStrings(lock['default-groups']);
    const context = {
        environment,
        extras: new Set(choices.extras),
        dependencyGroups: new Set(groups.map(normalizeProjectName)),
    };
    const lines = arrayTableLines(text, 'packages');
    const packages = [];
    asArray(lock.packages).forEach((entry, index) => {
        const table = asTable(entry) ?? {};
        const location = { file, ...(lines[index] ? { line: lines[index] } : {}) };
        const name = asString(table.name);
        if (!name) {
            throw new errors/* UserError */.yo(`${file}${location.line ? `:${location.line}` : ''}: a [[packages]] entry has no name`, {
                hint: 'write the lock again with the tool that made it',
                location,
            });
        }
        if (!markerHolds(asString(table.marker), context, location))
            return;
        const packageRequiresPython = asString(table['requires-python']);
        if (packageRequiresPython && !(0,pep440/* satisfies */.ib)(target.pythonFullVersion, packageRequiresPython))
            return;
        const source = ['vcs', 'directory', 'archive'].find((key) => table[key] !== undefined);
        const pkgVersion = asString(table.version);
        if (source || !pkgVersion) {
            throw new errors/* UserError */.yo(`${file}${location.line ? `:${location.line}` : ''}: ${name} comes from ${source ? `a ${source === 'vcs' ? 'VCS checkout' : source}` : 'a source without a version'}, which the layer build cannot hash-check against an index`, {
                hint: 'publish it to an index (or build a wheel and pass its folder with --find-links) and lock again, or list it in a requirements file',
                location,
            });
        }
        const wheels = asArray(table.wheels).flatMap((w) => lockedFile(w) ?? []);
        const sdist = lockedFile(table.sdist);
        packages.push({
            name: normalizeProjectName(name),
            version: pkgVersion,
            wheels,
            ...(sdist ? { sdist } : {}),
            location,
        });
    });
    return { format: 'pylock', file, packages };
}

;// CONCATENATED MODULE: ./src/resolve/lock/pipfile-lock.ts
/**
 * Pipfile.lock (https://pipenv.pypa.io/en/latest/pipfile.html; JSON, `_meta.pipfile-spec` 6):
 * the `default` section, each entry's `markers` evaluated for the target and its `version`
 * (`==X`) installed with its `hashes`. The lock records hashes without file names, so the
 * fitting file is pip's choice among them (with the target's platform flags). Entries from git,
 * a path, a file or a URL, and editable ones, are refused: they cannot be hash-checked. The
 * `develop` section is never installed.
 */





function selectFromPipfileLock(text, file, target, choices) {
    let lock;
    try {
        lock = asTable(JSON.parse(text)) ?? {};
    }
    catch (error) {
        throw new errors/* UserError */.yo(`${file}: not valid JSON (${error.message})`, {
            hint: 'write it again with `pipenv lock`',
            location: { file },
        });
    }
    if (choices.groups.length > 0 || choices.extras.length > 0) {
        throw new errors/* UserError */.yo(`${file}: Pipfile.lock installs its "default" section; extras and groups do not apply to it`, {
            hint: 'leave the extras and groups inputs empty, or move the packages into [packages] of the Pipfile and run `pipenv lock`',
            location: { file },
        });
    }
    const section = asTable(lock.default);
    if (!section) {
        throw new errors/* UserError */.yo(`${file}: there is no "default" section`, {
            hint: 'write it again with `pipenv lock`',
            location: { file },
        });
    }
    const sectionLine = lineOf(text, /^\s*"default"\s*:/) ?? 1;
    const environment = (0,src_target/* markerEnvironment */.wp)(target);
    const packages = [];
    for (const [name, value] of Object.entries(section)) {
        const entry = asTable(value) ?? {};
        const line = lineOf(text, new RegExp(`^\\s*"${escapeRegExp(name)}"\\s*:\\s*\\{`), sectionLine);
        const location = { file, ...(line ? { line } : {}) };
        if (!markerHolds(asString(entry.markers), { environment }, location))
            continue;
        const source = ['git', 'path', 'file', 'editable'].find((key) => entry[key] !== undefined);
        const version = asString(entry.version);
        if (source || !version?.startsWith('==')) {
            throw new errors/* UserError */.yo(`${file}${line ? `:${line}` : ''}: ${name} is ${source ? `a ${source === 'editable' ? 'editable' : source} entry` : 'not pinned with =='}, which the layer build cannot hash-check`, { hint: 'publish it to an index, list it by version in the Pipfile and run `pipenv lock`', location });
        }
        const hashes = asArray(entry.hashes).flatMap((h) => typeof h === 'string' && h.startsWith('sha256:') ? [h.slice(7).toLowerCase()] : []);
        if (hashes.length === 0) {
            throw new errors/* UserError */.yo(`${file}${line ? `:${line}` : ''}: ${name} has no sha256 hashes`, {
                hint: 'write the lock again with `pipenv lock` (it records the hashes of every file)',
                location,
            });
        }
        packages.push({
            name: normalizeProjectName(name),
            version: version.slice(2),
            wheels: [],
            hashesOnly: hashes,
            location,
        });
    }
    packages.sort((a, b) => a.name.localeCompare(b.name));
    return { format: 'pipfile-lock', file, packages };
}

;// CONCATENATED MODULE: ./src/resolve/lock/poetry-constraint.ts
/**
 * Poetry's version constraints (https://python-poetry.org/docs/dependency-specification/):
 * `^1.2`, `~1.2`, `1.2.*`, `*`, bare `1.2` (exact), PEP 440 operators, `,` or spaces for "and",
 * `||` for "or". Lock entries and pyproject.toml use them for `python = "..."` conditions on a
 * dependency; they are turned into PEP 440 clauses here and tested against the target's Python.
 */

function nextUp(parts, index) {
    const bumped = parts.slice(0, index + 1);
    bumped[index] = (bumped[index] ?? 0) + 1;
    return bumped.join('.');
}
/** One Poetry clause as PEP 440 clauses joined by ",". */
function toPep440(clause) {
    const c = clause.trim();
    if (c === '' || c === '*')
        return '';
    const caret = /^\^\s*(\d+(?:\.\d+)*)$/.exec(c);
    if (caret?.[1]) {
        const parts = caret[1].split('.').map(Number);
        // ^1.2.3 -> <2.0.0; ^0.2.3 -> <0.3.0; ^0.0.3 -> <0.0.4: the first non-zero part is bumped.
        const first = parts.findIndex((p) => p !== 0);
        const index = first === -1 ? parts.length - 1 : Math.min(first, parts.length - 1);
        return `>=${caret[1]},<${nextUp(parts, index)}`;
    }
    const tilde = /^~(?!=)\s*(\d+(?:\.\d+)*)$/.exec(c);
    if (tilde?.[1]) {
        const parts = tilde[1].split('.').map(Number);
        return `>=${tilde[1]},<${nextUp(parts, parts.length === 1 ? 0 : 1)}`;
    }
    if (/^\d/.test(c))
        return `==${c}`;
    return c.replace(/\s+/g, '');
}
/** Whether `version` meets the Poetry constraint (empty or "*": any). */
function poetryConstraintHolds(version, constraint) {
    return constraint.split('||').some((alternative) => {
        const clauses = alternative
            .replace(/([<>=!~^])\s+/g, '$1')
            .split(/,|\s+(?=[<>=!~^\d])/)
            .map(toPep440)
            .filter(Boolean);
        return clauses.every((clause) => (0,pep440/* satisfies */.ib)(version, clause));
    });
}

;// CONCATENATED MODULE: ./src/resolve/lock/requirement-spec.ts
/**
 * The parts of a PEP 508 dependency specifier that lock selection needs: name, extras, version
 * specifier (also the old parenthesized form Poetry writes in [package.extras]), direct URL and
 * marker. pip parses the lines it installs itself; this only walks lock graphs and compares a
 * lock's recorded requirements with its pyproject.toml.
 */

const NAME = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*/;
/** Undefined when the text does not start with a project name. */
function parseRequirementSpec(text) {
    const name = NAME.exec(text);
    if (!name?.[1])
        return undefined;
    let rest = text.slice(name[0].length);
    let marker;
    const semicolon = rest.indexOf(';');
    if (semicolon !== -1) {
        marker = rest.slice(semicolon + 1).trim() || undefined;
        rest = rest.slice(0, semicolon);
    }
    let extras = [];
    const extrasMatch = /^\[([^\]]*)\]\s*/.exec(rest);
    if (extrasMatch) {
        extras = (extrasMatch[1] ?? '')
            .split(',')
            .map((e) => normalizeProjectName(e.trim()))
            .filter(Boolean);
        rest = rest.slice(extrasMatch[0].length);
    }
    rest = rest.trim();
    if (rest.startsWith('@')) {
        return { name: normalizeProjectName(name[1]), extras, specifier: '', url: rest.slice(1).trim(), marker };
    }
    const specifier = normalizeSpecifier(rest.replace(/^\((.*)\)$/, '$1'));
    return { name: normalizeProjectName(name[1]), extras, specifier, marker };
}
/** ">= 1.2, <2" -> ">=1.2,<2", clauses sorted: two spellings of one set compare equal. */
function normalizeSpecifier(specifier) {
    return specifier
        .split(',')
        .map((clause) => clause.replace(/\s+/g, ''))
        .filter(Boolean)
        .sort()
        .join(',');
}

;// CONCATENATED MODULE: ./src/resolve/lock/poetry-lock.ts
/**
 * poetry.lock (https://python-poetry.org/docs/basic-usage/#installing-with-poetrylock; lock
 * formats 2.0 and 2.1): the packages reachable from the project's dependencies for the target.
 * The roots come from the pyproject.toml beside the lock (Poetry's own installer needs it too):
 * `[project].dependencies` or `[tool.poetry.dependencies]` (main), the chosen extras
 * (`[project.optional-dependencies]` / `[tool.poetry.extras]`) and groups
 * (`[tool.poetry.group.<g>.dependencies]`, PEP 735 `[dependency-groups]`). The walk follows each
 * locked package's `[package.dependencies]` whose `markers` / `python` / `platform` hold for the
 * target, skipping `optional = true` ones unless an extra asked for them (`[package.extras]`).
 * This reads 2.0 locks (no `groups`/`markers` per package) and 2.1 locks alike. The lock must
 * belong to the pyproject.toml: `[metadata] content-hash` is recomputed as Poetry does.
 */








/** `name = "^1.0"`, `name = {version, markers, python, platform, extras, optional}` or a list of those. */
function poetryEdges(name, spec) {
    const normalized = normalizeProjectName(name);
    if (typeof spec === 'string')
        return [{ name: normalized, extras: [], optional: false }];
    const variants = Array.isArray(spec) ? spec : [spec];
    return variants.flatMap((variant) => {
        const table = asTable(variant);
        if (!table)
            return [];
        const source = ['path', 'git', 'url', 'file'].find((key) => table[key] !== undefined);
        return [
            {
                name: normalized,
                extras: asStrings(table.extras).map(normalizeProjectName),
                marker: asString(table.markers),
                python: asString(table.python),
                platform: asString(table.platform),
                optional: table.optional === true,
                ...(source ? { source: `${source} ${String(table[source])}` } : {}),
            },
        ];
    });
}
/** A PEP 508 string (`[project]`, `[package.extras]`, `[dependency-groups]`) as an edge. */
function pep508Edge(text) {
    const spec = parseRequirementSpec(text);
    if (!spec)
        return undefined;
    return {
        name: spec.name,
        extras: spec.extras,
        optional: false,
        ...(spec.marker ? { marker: spec.marker } : {}),
        ...(spec.url ? { source: `url ${spec.url}` } : {}),
    };
}
/** Python's json.dumps(value, sort_keys=True): the text Poetry hashes into content-hash. */
function pythonJson(value) {
    if (value === null || value === undefined)
        return 'null';
    if (typeof value === 'boolean')
        return value ? 'true' : 'false';
    if (typeof value === 'number' || typeof value === 'bigint')
        return String(value);
    if (typeof value === 'string') {
        return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    }
    if (value instanceof Date)
        return pythonJson(value.toISOString());
    if (Array.isArray(value))
        return `[${value.map(pythonJson).join(', ')}]`;
    const table = value;
    const keys = Object.keys(table).sort();
    return `{${keys.map((key) => `${pythonJson(key)}: ${pythonJson(table[key])}`).join(', ')}}`;
}
const LEGACY_KEYS = ['dependencies', 'source', 'extras', 'dev-dependencies'];
const RELEVANT_KEYS = [...LEGACY_KEYS, 'group'];
const PROJECT_KEYS = ['requires-python', 'dependencies', 'optional-dependencies'];
/** Poetry's Locker._get_content_hash (poetry 2.x; 1.x hashed the same keys of [tool.poetry]). */
function poetryContentHash(pyproject) {
    const project = asTable(pyproject.project) ?? {};
    const groups = asTable(pyproject['dependency-groups']);
    const poetry = asTable(asTable(pyproject.tool)?.poetry) ?? {};
    const relevantProject = {};
    for (const key of PROJECT_KEYS)
        if (project[key] !== undefined)
            relevantProject[key] = project[key];
    const hasProject = Object.keys(relevantProject).length > 0;
    const relevantPoetry = {};
    for (const key of RELEVANT_KEYS) {
        const data = poetry[key];
        if (data === undefined && (!LEGACY_KEYS.includes(key) || hasProject))
            continue;
        relevantPoetry[key] = data ?? null;
    }
    let content = relevantPoetry;
    if (hasProject) {
        content = { project: relevantProject, tool: { poetry: relevantPoetry } };
        if (groups && Object.keys(groups).length > 0)
            content['dependency-groups'] = groups;
    }
    return (0,external_node_crypto_.createHash)('sha256').update(pythonJson(content)).digest('hex');
}
/** PEP 735 groups with include-group expanded. */
function dependencyGroupEntries(groups, group, seen = []) {
    const entry = Object.entries(groups).find(([key]) => normalizeProjectName(key) === group);
    if (!entry)
        return [];
    return asArray(entry[1]).flatMap((item) => {
        if (typeof item === 'string')
            return [item];
        const include = asString(asTable(item)?.['include-group']);
        if (!include)
            return [];
        const name = normalizeProjectName(include);
        if (seen.includes(name) || name === group) {
            throw new errors/* UserError */.yo(`dependency group "${group}" includes "${include}", which includes it again`, {
                hint: 'remove one of the include-group entries in [dependency-groups]',
            });
        }
        return dependencyGroupEntries(groups, name, [...seen, group]);
    });
}
function rootEdges(pyproject, choices, pyprojectFile) {
    const project = asTable(pyproject.project);
    const poetry = asTable(asTable(pyproject.tool)?.poetry) ?? {};
    const edges = [];
    const poetryDeps = asTable(poetry.dependencies) ?? {};
    const poetryExtras = asTable(poetry.extras) ?? {};
    const projectExtras = asTable(project?.['optional-dependencies']) ?? {};
    const extraNames = new Set([...Object.keys(poetryExtras), ...Object.keys(projectExtras)].map(normalizeProjectName));
    for (const extra of choices.extras) {
        if (!extraNames.has(extra)) {
            throw new errors/* UserError */.yo(`${pyprojectFile}: the project has no extra "${extra}" (it has: ${[...extraNames].join(', ') || 'none'})`, {
                hint: 'choose one of those extras (input "extras" / --extras)',
                location: { file: pyprojectFile },
            });
        }
    }
    // Optional [tool.poetry.dependencies] entries are installed only through a chosen extra.
    const fromExtras = new Set(Object.entries(poetryExtras)
        .filter(([extra]) => choices.extras.includes(normalizeProjectName(extra)))
        .flatMap(([, names]) => asStrings(names).map((n) => normalizeProjectName(n))));
    if (project && Array.isArray(project.dependencies)) {
        for (const text of asStrings(project.dependencies)) {
            const edge = pep508Edge(text);
            if (edge)
                edges.push(edge);
        }
        // Poetry 2 lets [tool.poetry.dependencies] add sources, markers and extras to them.
    }
    else {
        for (const [name, spec] of Object.entries(poetryDeps)) {
            if (name.toLowerCase() === 'python')
                continue;
            for (const edge of poetryEdges(name, spec)) {
                if (!edge.optional || fromExtras.has(edge.name))
                    edges.push({ ...edge, optional: false });
            }
        }
    }
    for (const [extra, list] of Object.entries(projectExtras)) {
        if (!choices.extras.includes(normalizeProjectName(extra)))
            continue;
        for (const text of asStrings(list)) {
            const edge = pep508Edge(text);
            if (edge)
                edges.push(edge);
        }
    }
    const poetryGroups = asTable(poetry.group) ?? {};
    const pep735 = asTable(pyproject['dependency-groups']) ?? {};
    const legacyDev = asTable(poetry['dev-dependencies']);
    const groupNames = new Set([...Object.keys(poetryGroups), ...Object.keys(pep735), ...(legacyDev ? ['dev'] : [])].map(normalizeProjectName));
    for (const group of choices.groups) {
        if (!groupNames.has(group)) {
            throw new errors/* UserError */.yo(`${pyprojectFile}: the project has no dependency group "${group}" (it has: ${[...groupNames].join(', ') || 'none'})`, {
                hint: 'choose one of those groups (input "groups" / --groups)',
                location: { file: pyprojectFile },
            });
        }
        const poetryGroup = Object.entries(poetryGroups).find(([key]) => normalizeProjectName(key) === group)?.[1];
        const deps = asTable(asTable(poetryGroup)?.dependencies) ?? (group === 'dev' ? legacyDev : undefined) ?? {};
        for (const [name, spec] of Object.entries(deps))
            edges.push(...poetryEdges(name, spec));
        for (const text of dependencyGroupEntries(pep735, group)) {
            const edge = pep508Edge(text);
            if (edge)
                edges.push(edge);
        }
    }
    return { edges };
}
function poetry_lock_lockedFile(value) {
    const table = asTable(value);
    const filename = asString(table?.file);
    if (!table || !filename)
        return undefined;
    const hash = asString(table.hash);
    return { filename, ...(hash?.startsWith('sha256:') ? { sha256: hash.slice(7).toLowerCase() } : {}) };
}
function selectFromPoetryLock(text, file, pyprojectText, pyprojectFile, target, choices) {
    const lock = parseTomlFile(text, file, 'poetry.lock');
    const pyproject = parseTomlFile(pyprojectText, pyprojectFile, 'pyproject.toml');
    const metadata = asTable(lock.metadata) ?? {};
    const lockVersion = asString(metadata['lock-version']) ?? '';
    if (!/^2\./.test(lockVersion)) {
        throw new errors/* UserError */.yo(`${file}: lock-version "${lockVersion || '(missing)'}" is not one this tool reads (2.x)`, {
            hint: 'write it again with Poetry 1.5 or newer (`poetry lock`)',
            location: {
                file,
                ...(lineOf(text, /^lock-version\s*=/) ? { line: lineOf(text, /^lock-version\s*=/) } : {}),
            },
        });
    }
    const recorded = asString(metadata['content-hash']);
    const actual = poetryContentHash(pyproject);
    if (recorded !== actual) {
        const line = lineOf(text, /^content-hash\s*=/);
        throw new errors/* UserError */.yo(`${file}${line ? `:${line}` : ''}: poetry.lock no longer matches ${pyprojectFile} (its content-hash is ${recorded ?? 'missing'}; the dependencies in pyproject.toml hash to ${actual})`, {
            hint: 'run `poetry lock` and commit the updated poetry.lock',
            location: { file, ...(line ? { line } : {}) },
        });
    }
    const pythonVersions = asString(metadata['python-versions']);
    if (pythonVersions && !poetryConstraintHolds(target.pythonFullVersion, pythonVersions)) {
        const line = lineOf(text, /^python-versions\s*=/);
        throw new errors/* UserError */.yo(`${file}${line ? `:${line}` : ''}: the lock's python-versions "${pythonVersions}" excludes ${target.runtime} (Python ${target.pythonFullVersion})`, {
            hint: 'choose a runtime inside that range, or widen the python constraint in pyproject.toml and run `poetry lock`',
            location: { file, ...(line ? { line } : {}) },
        });
    }
    const lines = arrayTableLines(text, 'package');
    const packages = new Map();
    asArray(lock.package).forEach((entry, index) => {
        const table = asTable(entry);
        const name = asString(table?.name);
        if (!table || !name)
            return;
        const pkg = {
            table,
            name: normalizeProjectName(name),
            version: asString(table.version) ?? '',
            ...(lines[index] ? { line: lines[index] } : {}),
        };
        packages.set(pkg.name, pkg);
    });
    const environment = (0,src_target/* markerEnvironment */.wp)(target);
    const selected = new Map();
    const locate = (pkg) => ({ file, ...(pkg?.line ? { line: pkg.line } : {}) });
    const holds = (edge, from) => {
        // `extra == "x"` on a dependency means: when the depending package was asked for with x.
        const context = {
            environment,
            extras: (from && selected.get(from)) ?? new Set(choices.extras),
        };
        if (edge.python && !poetryConstraintHolds(target.pythonFullVersion, edge.python))
            return false;
        if (edge.platform && edge.platform !== environment.sys_platform)
            return false;
        return markerHolds(edge.marker, context, from ? locate(from) : { file: pyprojectFile });
    };
    const { edges } = rootEdges(pyproject, choices, pyprojectFile);
    const direct = new Set();
    const queue = [];
    const follow = (edge, from) => {
        if (!holds(edge, from))
            return;
        const pkg = packages.get(edge.name);
        if (!pkg) {
            if (edge.source) {
                throw new errors/* UserError */.yo(`${pyprojectFile}: ${edge.name} is a ${edge.source} dependency, which the layer build cannot hash-check`, {
                    hint: 'publish it to an index and depend on it by version, then run `poetry lock`',
                    location: {
                        file: pyprojectFile,
                        ...(lineOf(pyprojectText, new RegExp(`^\\s*"?${edge.name}`, 'i'))
                            ? { line: lineOf(pyprojectText, new RegExp(`^\\s*"?${edge.name}`, 'i')) }
                            : {}),
                    },
                });
            }
            throw new errors/* UserError */.yo(`${from ? `${file}${from.line ? `:${from.line}` : ''}: ${from.name}` : `${pyprojectFile}: the project`} depends on ${edge.name}, which poetry.lock does not hold`, {
                hint: 'run `poetry lock` and commit the updated poetry.lock',
                location: from ? locate(from) : { file: pyprojectFile },
            });
        }
        if (!from)
            direct.add(pkg.name);
        queue.push({ pkg, extras: edge.extras });
    };
    for (const edge of edges)
        follow(edge);
    while (queue.length > 0) {
        const { pkg, extras } = queue.shift();
        const seen = selected.get(pkg);
        const fresh = seen ? extras.filter((e) => !seen.has(e)) : extras;
        if (seen && fresh.length === 0)
            continue;
        const all = seen ?? new Set();
        for (const extra of fresh)
            all.add(extra);
        selected.set(pkg, all);
        // Dependencies that only an extra of this package brings in: "name (spec) ; marker" strings.
        const extraTable = asTable(pkg.table.extras) ?? {};
        const wantedByExtras = new Map();
        for (const [extra, list] of Object.entries(extraTable)) {
            if (!all.has(normalizeProjectName(extra)))
                continue;
            for (const text of asStrings(list)) {
                const edge = pep508Edge(text);
                if (edge)
                    wantedByExtras.set(edge.name, edge);
            }
        }
        const deps = asTable(pkg.table.dependencies) ?? {};
        for (const [name, spec] of Object.entries(deps)) {
            for (const edge of poetryEdges(name, spec)) {
                const viaExtra = wantedByExtras.get(edge.name);
                if (edge.optional && !viaExtra)
                    continue;
                follow({ ...edge, extras: [...new Set([...edge.extras, ...(viaExtra?.extras ?? [])])] }, pkg);
            }
        }
    }
    const chosen = [];
    for (const pkg of selected.keys()) {
        const source = asTable(pkg.table.source);
        const kind = asString(source?.type);
        if (kind && kind !== 'legacy') {
            throw new errors/* UserError */.yo(`${file}${pkg.line ? `:${pkg.line}` : ''}: ${pkg.name} comes from a ${kind} source (${asString(source?.url) ?? ''}): the layer installs index files checked against the lock's hashes, and a ${kind} source has none pip can check beside them`, {
                hint: 'publish it to an index and depend on it by version, then run `poetry lock`',
                location: locate(pkg),
            });
        }
        const files = asArray(pkg.table.files).flatMap((f) => poetry_lock_lockedFile(f) ?? []);
        const sdist = files.find((f) => !f.filename.endsWith('.whl'));
        chosen.push({
            name: pkg.name,
            version: pkg.version,
            wheels: files.filter((f) => f.filename.endsWith('.whl')),
            ...(sdist ? { sdist } : {}),
            location: locate(pkg),
        });
    }
    chosen.sort((a, b) => a.name.localeCompare(b.name));
    return { format: 'poetry-lock', file, packages: chosen, direct: [...direct].sort() };
}

;// CONCATENATED MODULE: ./src/resolve/lock/pyproject.ts
/**
 * pyproject.toml without a lock (https://packaging.python.org/en/latest/specifications/pyproject-toml/,
 * PEP 735 for [dependency-groups]): `[project].dependencies`, the chosen
 * `[project.optional-dependencies]` extras and dependency groups (include-group expanded), each
 * string one requirement line that the pinned pip resolves for the target, as it would from a
 * requirements file. The project itself is the function's code and is not installed.
 */




function pyprojectRequirements(text, file, choices) {
    const pyproject = parseTomlFile(text, file, 'pyproject.toml');
    const project = asTable(pyproject.project);
    const groups = asTable(pyproject['dependency-groups']) ?? {};
    if (!project && Object.keys(groups).length === 0) {
        const poetry = asTable(asTable(pyproject.tool)?.poetry);
        throw new errors/* UserError */.yo(`${file}: there is no [project] table or [dependency-groups] to take dependencies from`, {
            hint: poetry
                ? 'this is a Poetry project: run `poetry lock` and build from poetry.lock'
                : 'list the dependencies in [project] dependencies, or build from a requirements file or lock',
            location: { file },
        });
    }
    if (asStrings(project?.dynamic).includes('dependencies')) {
        throw new errors/* UserError */.yo(`${file}: [project] declares its dependencies dynamic, so only building the project would tell them`, {
            hint: 'list them in [project] dependencies, or build from a lock or requirements file',
            location: {
                file,
                ...(lineOf(text, /^\s*dynamic\s*=/) ? { line: lineOf(text, /^\s*dynamic\s*=/) } : {}),
            },
        });
    }
    const extras = asTable(project?.['optional-dependencies']) ?? {};
    const byName = (table) => new Set(Object.keys(table).map(normalizeProjectName));
    for (const extra of choices.extras) {
        if (!byName(extras).has(extra)) {
            throw new errors/* UserError */.yo(`${file}: [project.optional-dependencies] has no extra "${extra}" (it has: ${[...byName(extras)].join(', ') || 'none'})`, {
                hint: 'choose one of those extras (input "extras" / --extras)',
                location: { file },
            });
        }
    }
    for (const group of choices.groups) {
        if (!byName(groups).has(group)) {
            throw new errors/* UserError */.yo(`${file}: [dependency-groups] has no group "${group}" (it has: ${[...byName(groups)].join(', ') || 'none'})`, {
                hint: 'choose one of those groups (input "groups" / --groups)',
                location: { file },
            });
        }
    }
    const strings = [
        ...asStrings(project?.dependencies),
        ...Object.entries(extras)
            .filter(([extra]) => choices.extras.includes(normalizeProjectName(extra)))
            .flatMap(([, list]) => asStrings(list)),
        ...choices.groups.flatMap((group) => {
            try {
                return dependencyGroupEntries(groups, group);
            }
            catch (error) {
                if (error instanceof errors/* UserError */.yo)
                    throw new errors/* UserError */.yo(`${file}: ${error.message}`, { hint: error.hint, location: { file } });
                throw error;
            }
        }),
    ];
    const lines = text.split(/\r?\n/);
    return [...new Set(strings)].map((requirement) => {
        const pattern = new RegExp(`["']${escapeRegExp(requirement)}["']`);
        const index = lines.findIndex((l) => pattern.test(l));
        return { text: requirement, ...(index !== -1 ? { line: index + 1 } : {}) };
    });
}

;// CONCATENATED MODULE: ./src/resolve/lock/uv-freshness.ts
/**
 * Does a uv.lock still belong to its pyproject.toml? uv records what it locked from: the
 * project's `[package.metadata] requires-dist` (optional dependencies carry `extra == '...'`
 * markers) and `requires-dev` (dependency groups, include-group expanded). Each requirement of
 * pyproject.toml must be recorded there with the same name, extras and version specifier, and
 * nothing else may be recorded; markers are not compared (uv rewrites their spelling). A lock
 * without `[package.metadata]` (uv can write one) is not checked.
 */





const key = (name, extras, specifier, scope) => `${scope}: ${name}${extras.length ? `[${[...extras].sort().join(',')}]` : ''}${specifier ? ` ${specifier}` : ''}`;
function recordedKeys(metadata) {
    const keys = new Set();
    const add = (item, scope) => {
        const table = asTable(item);
        const name = asString(table?.name);
        if (!table || !name)
            return;
        const marker = asString(table.marker) ?? '';
        const extra = /extra\s*==\s*['"]([^'"]+)['"]/.exec(marker)?.[1];
        const where = scope ?? (extra ? `extra ${normalizeProjectName(extra)}` : 'dependencies');
        keys.add(key(normalizeProjectName(name), asStrings(table.extras).map(normalizeProjectName), normalizeSpecifier(asString(table.specifier) ?? ''), where));
    };
    for (const item of asArray(metadata['requires-dist']))
        add(item);
    for (const [group, items] of Object.entries(asTable(metadata['requires-dev']) ?? {})) {
        for (const item of asArray(items))
            add(item, `group ${normalizeProjectName(group)}`);
    }
    return keys;
}
function declaredKeys(pyproject) {
    const project = asTable(pyproject.project) ?? {};
    const keys = new Map();
    const add = (text, scope) => {
        const spec = parseRequirementSpec(text);
        if (spec)
            keys.set(key(spec.name, spec.extras, spec.specifier, scope), text);
    };
    for (const text of asStrings(project.dependencies))
        add(text, 'dependencies');
    for (const [extra, list] of Object.entries(asTable(project['optional-dependencies']) ?? {})) {
        for (const text of asStrings(list))
            add(text, `extra ${normalizeProjectName(extra)}`);
    }
    const groups = asTable(pyproject['dependency-groups']) ?? {};
    for (const group of Object.keys(groups)) {
        const name = normalizeProjectName(group);
        for (const text of dependencyGroupEntries(groups, name))
            add(text, `group ${name}`);
    }
    return keys;
}
/** Throws when uv.lock's record of the project differs from pyproject.toml. */
function checkUvLockFresh(lockText, lockFile, pyprojectText, pyprojectFile) {
    const lock = parseTomlFile(lockText, lockFile, 'uv.lock');
    const pyproject = parseTomlFile(pyprojectText, pyprojectFile, 'pyproject.toml');
    const projectName = asString(asTable(pyproject.project)?.name);
    const packages = asArray(lock.package);
    const index = packages.findIndex((p) => {
        const source = asTable(asTable(p)?.source) ?? {};
        return ['virtual', 'editable', 'directory'].some((k) => source[k] === '.');
    });
    const root = asTable(packages[index]);
    const rootLine = arrayTableLines(lockText, 'package')[index];
    const stale = (detail, line, file = lockFile) => {
        throw new errors/* UserError */.yo(`${lockFile}: uv.lock no longer matches ${pyprojectFile}: ${detail}`, {
            hint: 'run `uv lock` and commit the updated uv.lock',
            location: { file, ...(line ? { line } : {}) },
        });
    };
    if (!root)
        return;
    if (projectName && normalizeProjectName(projectName) !== asString(root.name)) {
        stale(`the project is named "${projectName}", the lock's project "${String(root.name)}"`, rootLine);
    }
    const lockPython = asString(lock['requires-python']);
    const projectPython = asString(asTable(pyproject.project)?.['requires-python']);
    if (projectPython && lockPython && normalizeSpecifier(projectPython) !== normalizeSpecifier(lockPython)) {
        stale(`requires-python is "${projectPython}" in pyproject.toml and "${lockPython}" in the lock`, lineOf(lockText, /^requires-python\s*=/));
    }
    // Newer uv releases can write a lock without [package.metadata]: nothing recorded to compare.
    const metadata = asTable(root.metadata);
    if (!metadata)
        return;
    const recorded = recordedKeys(metadata);
    const declared = declaredKeys(pyproject);
    for (const [k, text] of declared) {
        if (!recorded.has(k)) {
            const line = lineOf(pyprojectText, new RegExp(`["']${escapeRegExp(text)}["']`));
            stale(`"${text}" (${k.split(':')[0]}) is not in the lock as written`, line, pyprojectFile);
        }
    }
    for (const k of recorded) {
        if (!declared.has(k))
            stale(`the lock records ${k}, which pyproject.toml no longer declares`, rootLine);
    }
}

;// CONCATENATED MODULE: ./src/resolve/lock/uv-lock.ts
/**
 * uv.lock (https://docs.astral.sh/uv/concepts/projects/layout/#the-lockfile; the format is uv's
 * own, versioned by `version`/`revision`): the packages reachable from the project for the
 * target. The project is the package whose source is the lock's own directory (`virtual`,
 * `editable` or `directory` "."); it is the function's code and is not installed. From it the
 * walk follows `dependencies`, the chosen `optional-dependencies` (extras) and
 * `dev-dependencies` (groups), evaluating every edge's `marker` for the target; an edge that
 * names an extra (`extra = [...]`) adds that package's optional dependencies. When one name is
 * locked in several versions (a fork), the edge's `version`/`source` pick one, else the
 * package's `resolution-markers`. Virtual workspace members contribute their dependencies;
 * editable, directory, path, git and URL sources are refused with the reason.
 */






function edgesOf(value) {
    return asArray(value).flatMap((item) => {
        const table = asTable(item);
        const name = asString(table?.name);
        if (!table || !name)
            return [];
        return [
            {
                name: normalizeProjectName(name),
                version: asString(table.version),
                source: table.source,
                marker: asString(table.marker),
                extras: asStrings(table.extra).map(normalizeProjectName),
            },
        ];
    });
}
function uv_lock_lockedFile(value) {
    const table = asTable(value);
    const url = asString(table?.url) ?? asString(table?.path) ?? asString(table?.filename);
    if (!table || !url)
        return undefined;
    const filename = decodeURIComponent(url.split(/[/\\]/).pop() ?? '');
    const hash = asString(table.hash);
    const sha256 = hash?.startsWith('sha256:') ? hash.slice(7).toLowerCase() : undefined;
    return { filename, ...(sha256 ? { sha256 } : {}) };
}
const sourceKind = (pkg) => Object.keys(pkg.source)[0] ?? 'registry';
const isProjectRoot = (pkg) => ['virtual', 'editable', 'directory'].some((kind) => pkg.source[kind] === '.');
/** The root's dependency groups and extras as the user chose them, checked against the lock. */
function uv_lock_rootEdges(root, choices, file) {
    const optional = asTable(root.table['optional-dependencies']) ?? {};
    const dev = asTable(root.table['dev-dependencies']) ?? {};
    const location = { file, ...(root.line ? { line: root.line } : {}) };
    const byNormalized = (table) => new Map(Object.entries(table).map(([key, value]) => [normalizeProjectName(key), value]));
    const extras = byNormalized(optional);
    const groups = byNormalized(dev);
    const edges = edgesOf(root.table.dependencies);
    for (const extra of choices.extras) {
        if (!extras.has(extra)) {
            throw new errors/* UserError */.yo(`${file}: ${root.name} has no extra "${extra}" in the lock (it has: ${[...extras.keys()].join(', ') || 'none'})`, {
                hint: 'choose one of those extras, or add it to pyproject.toml and run `uv lock`',
                location,
            });
        }
        edges.push(...edgesOf(extras.get(extra)));
    }
    for (const group of choices.groups) {
        if (!groups.has(group)) {
            throw new errors/* UserError */.yo(`${file}: ${root.name} has no dependency group "${group}" in the lock (it has: ${[...groups.keys()].join(', ') || 'none'})`, {
                hint: 'choose one of those groups, or add it to pyproject.toml and run `uv lock`',
                location,
            });
        }
        edges.push(...edgesOf(groups.get(group)));
    }
    return edges;
}
function selectFromUvLock(text, file, target, choices) {
    const lock = parseTomlFile(text, file, 'uv.lock');
    const lockVersion = lock.version;
    if (lockVersion !== 1) {
        throw new errors/* UserError */.yo(`${file}: uv.lock version ${String(lockVersion)} is not one this tool reads (1)`, {
            hint: 'write it again with a uv release that writes version 1 (`uv lock`)',
            location: { file, line: 1 },
        });
    }
    const environment = (0,src_target/* markerEnvironment */.wp)(target);
    const context = { environment };
    const requiresPython = asString(lock['requires-python']);
    if (requiresPython && !(0,pep440/* satisfies */.ib)(target.pythonFullVersion, requiresPython)) {
        throw new errors/* UserError */.yo(`${file}: the lock's requires-python "${requiresPython}" excludes ${target.runtime} (Python ${target.pythonFullVersion})`, {
            hint: 'choose a runtime inside that range, or widen requires-python in pyproject.toml and run `uv lock`',
            location: { file },
        });
    }
    const lines = arrayTableLines(text, 'package');
    const packages = asArray(lock.package).flatMap((entry, index) => {
        const table = asTable(entry);
        const name = asString(table?.name);
        if (!table || !name)
            return [];
        return [
            {
                table,
                name: normalizeProjectName(name),
                version: asString(table.version),
                source: asTable(table.source) ?? {},
                ...(lines[index] ? { line: lines[index] } : {}),
            },
        ];
    });
    const root = packages.find(isProjectRoot);
    if (!root) {
        throw new errors/* UserError */.yo(`${file}: no package in the lock is the project itself (source "." )`, {
            hint: 'point the build at the uv.lock in your project directory (beside its pyproject.toml)',
            location: { file },
        });
    }
    const locate = (pkg) => ({ file, ...(pkg.line ? { line: pkg.line } : {}) });
    const resolveEdge = (edge, from) => {
        let candidates = packages.filter((p) => p.name === edge.name);
        if (edge.version)
            candidates = candidates.filter((p) => p.version === edge.version);
        if (edge.source !== undefined && candidates.length > 1) {
            const wanted = JSON.stringify(edge.source);
            candidates = candidates.filter((p) => JSON.stringify(p.source) === wanted);
        }
        if (candidates.length > 1) {
            candidates = candidates.filter((p) => {
                const forks = asStrings(p.table['resolution-markers']);
                return forks.length === 0 || forks.some((m) => markerHolds(m, context, locate(p)));
            });
        }
        const [only] = candidates;
        if (!only || candidates.length > 1) {
            throw new errors/* UserError */.yo(`${file}${from.line ? `:${from.line}` : ''}: ${from.name} depends on ${edge.name}${edge.version ? ` ${edge.version}` : ''}, which the lock ${only ? 'holds more than once for this target' : 'does not hold'}`, { hint: 'the lock is inconsistent: run `uv lock` again', location: locate(from) });
        }
        return only;
    };
    const selected = new Map();
    const queue = [];
    const visit = (edges, from) => {
        for (const edge of edges) {
            if (!markerHolds(edge.marker, context, locate(from)))
                continue;
            queue.push({ pkg: resolveEdge(edge, from), extras: edge.extras });
        }
    };
    visit(uv_lock_rootEdges(root, choices, file), root);
    const direct = new Set();
    for (const item of queue)
        direct.add(item.pkg.name);
    while (queue.length > 0) {
        const { pkg, extras } = queue.shift();
        const seen = selected.get(pkg);
        const fresh = seen ? extras.filter((e) => !seen.has(e)) : extras;
        if (seen && fresh.length === 0)
            continue;
        const all = seen ?? new Set();
        for (const extra of fresh)
            all.add(extra);
        selected.set(pkg, all);
        if (!seen)
            visit(edgesOf(pkg.table.dependencies), pkg);
        const optional = asTable(pkg.table['optional-dependencies']) ?? {};
        for (const [extra, edges] of Object.entries(optional)) {
            if (fresh.includes(normalizeProjectName(extra)))
                visit(edgesOf(edges), pkg);
        }
    }
    const chosen = [];
    for (const pkg of selected.keys()) {
        const kind = sourceKind(pkg);
        if (kind === 'virtual')
            continue; // a workspace member without a build: only its dependencies count
        if (kind !== 'registry') {
            const where = String(pkg.source[kind]);
            throw new errors/* UserError */.yo(`${file}${pkg.line ? `:${pkg.line}` : ''}: ${pkg.name} comes from ${kind === 'git' ? 'a git checkout' : kind === 'url' ? 'a URL' : `the local ${kind === 'path' ? 'path' : 'project'}`} "${where}": the layer installs index files checked against the lock's hashes, and a ${kind} source has none that pip can check beside them`, {
                hint: kind === 'editable' || kind === 'directory'
                    ? 'build it into a wheel (uv build), publish it to your index or pass its folder with --find-links, depend on it by version and run `uv lock`; or export the requirements (uv export --no-hashes) and build from that file'
                    : 'publish it to an index and depend on it by version, then run `uv lock`',
                location: locate(pkg),
            });
        }
        const sdist = uv_lock_lockedFile(pkg.table.sdist);
        chosen.push({
            name: pkg.name,
            version: pkg.version ?? '',
            wheels: asArray(pkg.table.wheels).flatMap((w) => uv_lock_lockedFile(w) ?? []),
            ...(sdist ? { sdist } : {}),
            location: locate(pkg),
        });
    }
    chosen.sort((a, b) => a.name.localeCompare(b.name));
    return { format: 'uv-lock', file, packages: chosen, direct: [...direct].sort() };
}

;// CONCATENATED MODULE: ./src/resolve/layer-input.ts
/**
 * The layer's input, whatever its format: a requirements file, a pyproject.toml or a lock file
 * (pylock.toml, uv.lock, poetry.lock, Pipfile.lock), named by the user or found in the project
 * directory. Every format becomes one RequirementsSnapshot: a requirements file as pip reads it;
 * a lock as the hash-pinned lines of exactly what it selects for the target (installed with
 * --no-deps); a pyproject.toml as its dependency strings (resolved by pip). Its hash is the
 * cache key's, so a lock change that selects nothing new for the target (a dev group, another
 * platform's wheel) keeps the cached layer.
 */













/** What the format of a file is, by its name; undefined when the name says nothing. */
function inputFormat(file) {
    const name = (0,external_node_path_.basename)(file);
    if (name === 'pyproject.toml')
        return 'pyproject';
    if (name === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(name))
        return 'pylock';
    if (name === 'uv.lock')
        return 'uv-lock';
    if (name === 'poetry.lock')
        return 'poetry-lock';
    if (name === 'Pipfile.lock')
        return 'pipfile-lock';
    if (/\.txt$|\.in$/.test(name) || /^requirements/.test(name))
        return 'requirements';
    return undefined;
}
const FORMAT_LABEL = {
    requirements: 'requirements file',
    pyproject: 'pyproject.toml (resolved by pip)',
    pylock: 'pylock.toml (PEP 751)',
    'uv-lock': 'uv.lock',
    'poetry-lock': 'poetry.lock',
    'pipfile-lock': 'Pipfile.lock',
};
/**
 * The order the build looks for its input when none is named. requirements.txt first: a project
 * that keeps one beside a lock has written it for this purpose, and builds made before locks
 * were read keep building from the same file. Then the standard lock, the tools' locks, and
 * last pyproject.toml, the only input that still needs resolving.
 */
const AUTO_DETECT_ORDER = [
    'requirements.txt',
    'pylock.toml',
    'uv.lock',
    'poetry.lock',
    'Pipfile.lock',
    'pyproject.toml',
];
/**
 * The first file of AUTO_DETECT_ORDER in the first of `dirs` that has one (the action looks in
 * the service path, then the workspace root, where the input was looked for before); throws
 * naming every file and folder looked in.
 */
function detectInput(dirs) {
    for (const dir of dirs) {
        const present = AUTO_DETECT_ORDER.filter((name) => {
            const path = (0,external_node_path_.join)(dir, name);
            return (0,external_node_fs_.existsSync)(path) && (0,external_node_fs_.statSync)(path).isFile();
        });
        const [first, ...rest] = present;
        if (first)
            return { file: (0,external_node_path_.join)(dir, first), alsoPresent: rest };
    }
    throw new errors/* InputError */.dz('requirements', `no input found in ${dirs.join(' or ')}: looked for ${AUTO_DETECT_ORDER.join(', ')}`, {
        hint: 'name the file with -r FILE (action input "requirements"), or run from the project directory',
    });
}
function lockSnapshot(selection, params) {
    if (selection.packages.length === 0) {
        throw new errors/* UserError */.yo(`${selection.file}: the lock selects no package for ${params.target.runtime} ${params.target.architecture} (main dependencies${params.choices.extras.length ? `, extras ${params.choices.extras.join(', ')}` : ''}${params.choices.groups.length ? `, groups ${params.choices.groups.join(', ')}` : ''})`, {
            hint: 'choose the extras or dependency groups that hold the function\'s dependencies (inputs "extras" / "groups")',
            location: { file: selection.file },
        });
    }
    const generated = generatedPath(selection.file);
    const requirements = selection.packages.map((pkg, index) => ({
        file: generated,
        line: index + 1,
        text: lockedRequirementLine(pkg, params.target, params.sdist),
        name: pkg.name,
        kind: 'requirement',
        source: pkg.location,
    }));
    return generatedSnapshot(selection.file, selection.format, requirements, {
        locked: true,
        ...(selection.direct ? { direct: selection.direct } : {}),
    });
}
/** Where the generated requirements are written before pip runs (materializeInput). */
function generatedPath(file) {
    return (0,external_node_path_.join)((0,external_node_path_.dirname)(file), `${(0,external_node_path_.basename)(file)}.lambda-layer-requirements.txt`);
}
function generatedSnapshot(file, format, requirements, extra) {
    const content = requirements.map((r) => `${r.text}\n`).join('');
    // What is selected, and from which kind of input (the manifest restored from the cache names it).
    const hash = (0,external_node_crypto_.createHash)('sha256')
        .update(`--- ${format} ${(0,external_node_path_.basename)(file)}\n${normalizeRequirements(content)}`)
        .digest('hex');
    const path = generatedPath(file);
    return {
        file: path,
        files: [{ path, content }],
        requirements,
        requirementsHash: hash,
        input: { file, format, ...extra },
    };
}
async function readText(file) {
    try {
        return await (0,promises_.readFile)(file, 'utf8');
    }
    catch (error) {
        const code = error.code;
        throw new errors/* InputError */.dz('requirements', `${file} ${code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`}`, { hint: `name a requirements file, pyproject.toml or lock file (${AUTO_DETECT_ORDER.join(', ')})` });
    }
}
/** The pyproject.toml beside a lock that needs it (uv.lock to check freshness, poetry.lock for its roots). */
async function pyprojectBeside(lock, required) {
    const path = (0,external_node_path_.join)((0,external_node_path_.dirname)(lock), 'pyproject.toml');
    if (!(0,external_node_fs_.existsSync)(path)) {
        if (!required)
            return undefined;
        throw new errors/* UserError */.yo(`${lock}: there is no pyproject.toml beside it (${path})`, {
            hint: 'a poetry.lock is read with its pyproject.toml: keep both in the project directory',
            location: { file: lock },
        });
    }
    return { path, text: await (0,promises_.readFile)(path, 'utf8') };
}
function refuseChoices(file, choices, format) {
    if (choices.extras.length === 0 && choices.groups.length === 0)
        return;
    throw new errors/* InputError */.dz(choices.extras.length ? 'extras' : 'groups', `a ${format} (${file}) has no extras or dependency groups to choose`, { hint: 'leave "extras" and "groups" empty, or build from pyproject.toml or a lock' });
}
/** Reads the input `file` (format by name) into the snapshot the build installs. */
async function readLayerInput(file, params) {
    const format = inputFormat(file) ?? 'requirements';
    const choices = {
        extras: params.choices.extras.map(normalizeProjectName),
        groups: params.choices.groups.map(normalizeProjectName),
    };
    if (format === 'requirements') {
        refuseChoices(file, choices, 'requirements file');
        return readRequirements(file);
    }
    const text = await readText(file);
    const target = params.target;
    switch (format) {
        case 'pylock':
            return lockSnapshot(selectFromPylock(text, file, target, choices), params);
        case 'uv-lock': {
            const pyproject = await pyprojectBeside(file, false);
            if (pyproject)
                checkUvLockFresh(text, file, pyproject.text, pyproject.path);
            return lockSnapshot(selectFromUvLock(text, file, target, choices), params);
        }
        case 'poetry-lock': {
            const pyproject = (await pyprojectBeside(file, true));
            return lockSnapshot(selectFromPoetryLock(text, file, pyproject.text, pyproject.path, target, choices), params);
        }
        case 'pipfile-lock':
            return lockSnapshot(selectFromPipfileLock(text, file, target, choices), params);
        case 'pyproject': {
            const generated = generatedPath(file);
            const requirements = pyprojectRequirements(text, file, choices).map((r, index) => ({
                file: generated,
                line: index + 1,
                text: r.text,
                name: normalizeProjectName(/^[A-Za-z0-9._-]+/.exec(r.text)?.[0] ?? ''),
                kind: 'requirement',
                source: { file, ...(r.line ? { line: r.line } : {}) },
            }));
            if (requirements.length === 0) {
                throw new errors/* UserError */.yo(`${file}: no dependencies to install (none in [project] dependencies or the chosen extras and groups)`, {
                    hint: /^\[tool\.poetry\.(dependencies|group)/m.test(text)
                        ? 'the dependencies are in [tool.poetry]: run `poetry lock` and build from poetry.lock'
                        : "add the function's dependencies to [project] dependencies, or choose extras/groups",
                    location: { file },
                });
            }
            return generatedSnapshot(file, format, requirements, { locked: false });
        }
    }
}
/**
 * The build's input: `requirements` is a file (format by name) or a directory to look in
 * (AUTO_DETECT_ORDER), in which case the log says which file was chosen and which others were
 * there.
 */
async function readBuildInput(requirements, params, log) {
    let file = requirements;
    if ((0,external_node_fs_.existsSync)(requirements) && (0,external_node_fs_.statSync)(requirements).isDirectory()) {
        const dirs = [
            requirements,
            ...(params.fallbackDir && params.fallbackDir !== requirements ? [params.fallbackDir] : []),
        ];
        const detected = detectInput(dirs);
        file = detected.file;
        const others = detected.alsoPresent.length
            ? ` (also present, not used: ${detected.alsoPresent.join(', ')}; name one with -r / "requirements" to use it)`
            : '';
        log.info(`Building from ${file}, a ${FORMAT_LABEL[inputFormat(file) ?? 'requirements']}, found in ${requirements}${others}`);
    }
    const snapshot = await readLayerInput(file, params);
    if (snapshot.input) {
        const what = snapshot.input.locked ? 'locked packages selected' : 'requirements';
        log.info(`${FORMAT_LABEL[snapshot.input.format]} ${file}: ${snapshot.requirements.length} ${what} for ${params.target.runtime} ${params.target.architecture}`);
    }
    return snapshot;
}
/**
 * A generated snapshot's requirements written into `dir` (the build's scratch folder), with
 * every path rebased there; a requirements file's snapshot is returned as it is.
 */
async function materializeInput(snapshot, dir) {
    if (!snapshot.input)
        return snapshot;
    await (0,promises_.mkdir)(dir, { recursive: true });
    const path = (0,external_node_path_.join)(dir, 'layer-input-requirements.txt');
    await (0,promises_.writeFile)(path, snapshot.files[0]?.content ?? '');
    return {
        ...snapshot,
        file: path,
        files: [{ path, content: snapshot.files[0]?.content ?? '' }],
        requirements: snapshot.requirements.map((r) => ({ ...r, file: path })),
    };
}

// EXTERNAL MODULE: ./src/resolve/pinned-pip.ts
var pinned_pip = __nccwpck_require__(1476);
;// CONCATENATED MODULE: ./src/verify/rules.ts
/**
 * Proves a layer can load on its Lambda target before anything is uploaded: every native
 * binary is an ELF for the target's CPU, linked against glibc (not musl) no newer than the
 * runtime's, built for the target's CPython ABI; the layout is what Lambda expects and the size
 * fits. Each finding names the file as it appears inside the zip, what it needs and what the
 * target has.
 */











/** Findings listed in an error message; the report itself keeps all of them. */
const MAX_LISTED_FINDINGS = 40;
/** How many of the largest packages the report lists. */
const LARGEST_COUNT = 10;
/** Files read at once while scanning (bounded so a huge layer does not exhaust descriptors). */
const SCAN_CONCURRENCY = 16;
const ELF_MACHINE = { x86_64: EM_X86_64, aarch64: EM_AARCH64 };
// --- pure rules -----------------------------------------------------------------------------
/** The highest version of `family` (e.g. GLIBC) among `names`, as "2.34", or undefined. */
function highestVersion(names, family) {
    const pattern = new RegExp(`^${family}_(\\d+(?:\\.\\d+)*)$`);
    let best;
    for (const name of names) {
        const match = pattern.exec(name);
        if (!match?.[1])
            continue;
        if (!best || (0,pep440/* compareVersions */.Zy)(match[1], best) > 0)
            best = match[1];
    }
    return best;
}
function targetLabel(target) {
    return `${target.runtime} (${target.os})`;
}
// The C++ runtime libraries the OS provides under these exact sonames.
const SYSTEM_CXX_SONAMES = new Set(['libstdc++.so.6']);
/**
 * Checks one parsed ELF object against the target. `layerLibraries` holds the file names and
 * sonames of every ELF shipped in the layer, so a need satisfied by a vendored library can be
 * told from one the OS must satisfy.
 */
function checkElf(file, elf, target, layerLibraries) {
    const findings = [];
    const expected = ELF_MACHINE[target.wheelArch];
    if (elf.machine !== expected || elf.elfClass !== 64) {
        findings.push({
            file,
            rule: 'architecture',
            problem: `is a ${elf.elfClass}-bit ${elf.machineName} binary; ${targetLabel(target)} on ${target.architecture} ` +
                `loads only 64-bit ${machineName(expected)}`,
        });
        // Symbol versions of a binary that cannot load at all add nothing.
        return findings;
    }
    if (elf.musl) {
        findings.push({
            file,
            rule: 'musl',
            problem: `is linked against musl libc (${elf.interpreter ?? elf.needed.find((n) => n.startsWith('libc.musl-'))}); ${targetLabel(target)} has glibc ${(0,src_target/* glibcLabel */.E3)(target.glibc)}`,
        });
        return findings;
    }
    // glibc cannot be vendored: the dynamic loader and libc.so.6 always come from the OS (and
    // auditwheel refuses to graft them), so every GLIBC_ need is checked, whatever library names it.
    const glibc = highestVersion(elf.versionNeeds.flatMap((n) => n.versions), 'GLIBC');
    if (glibc && (0,pep440/* compareVersions */.Zy)(glibc, (0,src_target/* glibcLabel */.E3)(target.glibc)) > 0) {
        findings.push({
            file,
            rule: 'glibc',
            problem: `needs GLIBC_${glibc}; ${targetLabel(target)} has glibc ${(0,src_target/* glibcLabel */.E3)(target.glibc)}`,
        });
    }
    // libstdc++ can be vendored. auditwheel grafts it into `<pkg>.libs/` under a hashed name
    // (libstdc++-<hash>.so.6...) and rewrites DT_NEEDED (which names the verneed entry) to match:
    // no OS library has that name, so the copy shipped in the layer is the one that loads and its
    // GLIBCXX/CXXABI versions are the ones that count (its own GLIBC needs are checked as a file
    // of the layer). A need naming plain libstdc++.so.6 is the OS's: Lambda's LD_LIBRARY_PATH puts
    // /lib64 first and the loader reuses an already-loaded soname, so a copy shipped under the
    // system name does not reliably win. The OS floor applies to those.
    const systemCxxNeeds = elf.versionNeeds.filter((need) => SYSTEM_CXX_SONAMES.has(need.file) || !layerLibraries.has(need.file));
    const cxxVersions = systemCxxNeeds.flatMap((n) => n.versions);
    for (const [family, limit] of [
        ['GLIBCXX', target.glibcxx],
        ['CXXABI', target.cxxabi],
    ]) {
        const needed = highestVersion(cxxVersions, family);
        if (needed && (0,pep440/* compareVersions */.Zy)(needed, limit) > 0) {
            findings.push({
                file,
                rule: 'libstdcxx',
                problem: `needs ${family}_${needed} from the system libstdc++; ${targetLabel(target)} has ${family}_${limit}`,
            });
        }
    }
    return findings;
}
// `name.cpython-311-x86_64-linux-gnu.so`: version, ABI flags (d = debug, t = free-threaded,
// m = pymalloc before 3.8), then the platform triplet.
const CPYTHON_EXTENSION = /\.cpython-(\d)(\d+)([a-z]*)-([^.]+)\.so$/;
const PYPY_EXTENSION = /\.pypy\d+-pp\d+-[^.]+\.so$/;
/** An extension module whose file name says it is for another interpreter, ABI or platform. */
function checkExtensionName(file, target) {
    if (PYPY_EXTENSION.test(file)) {
        return {
            file,
            rule: 'python-abi',
            problem: `is a PyPy extension module; ${target.runtime} runs CPython`,
        };
    }
    const match = CPYTHON_EXTENSION.exec(file);
    if (!match)
        return undefined; // plain .so and .abi3.so load in any CPython 3 (ELF checks still apply)
    const [, major, minor, flags = '', platform] = match;
    const version = `${major}.${minor}`;
    const problems = [];
    if (version !== target.pythonVersion)
        problems.push(`is built for CPython ${version} (cpython-${major}${minor})`);
    if (flags.includes('d'))
        problems.push('is built for a debug CPython');
    if (flags.includes('t'))
        problems.push('is built for free-threaded CPython');
    const expectedPlatform = `${target.wheelArch}-linux-gnu`;
    if (platform !== expectedPlatform)
        problems.push(`is built for ${platform}`);
    if (problems.length === 0)
        return undefined;
    return {
        file,
        rule: 'python-abi',
        problem: `${problems.join(' and ')}; ${target.runtime} on ${target.architecture} loads cpython-${target.pythonVersion.replace('.', '')}-${expectedPlatform} extension modules`,
    };
}
/** Layout: Lambda extracts a layer to /opt and Python finds packages in /opt/python only. */
function checkLayout(topLevel) {
    const findings = topLevel
        .filter((name) => name !== 'python')
        .map((name) => ({
        file: name,
        rule: 'layout',
        problem: 'is at the zip root; Lambda extracts a layer to /opt and Python imports only from /opt/python',
    }));
    if (!topLevel.includes('python')) {
        findings.push({
            file: 'python/',
            rule: 'layout',
            problem: 'is missing: the layer has no python/ directory',
        });
    }
    return findings;
}
const METADATA_DIR = /^(.+?)(-[^-]*)?\.(dist-info|egg-info|data)$/;
function rules_normalizeName(name) {
    return name.toLowerCase().replace(/[-_.]+/g, '_');
}
/**
 * The ten largest packages by unzipped bytes. A package is the first path component under
 * python/; what obviously belongs to it is folded in: `numpy-1.26.4.dist-info` and
 * `numpy.libs` (auditwheel's vendored libraries) into `numpy`, `six.py` and
 * `__pycache__/six.cpython-311.pyc` into `six`. Folding is by normalized name only (a
 * distribution whose import name differs, like pillow/PIL, shows as two entries): simple and
 * never wrong about what a directory holds.
 */
function largestPackages(files, count = LARGEST_COUNT) {
    const topLevelDirs = new Map();
    for (const file of files) {
        const parts = file.path.split('/');
        if (parts[0] === 'python' && parts.length > 2 && parts[1])
            topLevelDirs.set(rules_normalizeName(parts[1]), parts[1]);
    }
    const sizes = new Map();
    for (const file of files) {
        const parts = file.path.split('/');
        if (parts[0] !== 'python' || parts.length < 2)
            continue;
        const first = parts[1] ?? '';
        const isDir = parts.length > 2;
        let name;
        if (!isDir)
            name = first.split('.')[0] || first;
        else if (first === '__pycache__')
            name = (parts[2] ?? first).split('.')[0] || first;
        else if (METADATA_DIR.test(first))
            name = METADATA_DIR.exec(first)?.[1] ?? first;
        else if (first.endsWith('.libs'))
            name = first.slice(0, -'.libs'.length);
        else
            name = first;
        const key = rules_normalizeName(name);
        const display = topLevelDirs.get(key) ?? name;
        const entry = sizes.get(key) ?? { name: display, size: 0 };
        entry.size += file.size;
        sizes.set(key, entry);
    }
    return [...sizes.values()].sort((a, b) => b.size - a.size || a.name.localeCompare(b.name)).slice(0, count);
}
function formatMiB(bytes) {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
// --- scanning a directory tree --------------------------------------------------------------
/**
 * Every regular file under `rootDir`, as zip paths (forward slashes), sorted. Synchronous on
 * purpose, like readHead: a layer has thousands of small files, and one threadpool round trip per
 * stat/open/read/close cost more than the calls themselves (1.1 s vs 0.2 s on an 8,700-file
 * layer), while the zip writer running beside it needs that threadpool for deflate.
 */
function listFiles(rootDir) {
    const files = [];
    const warnings = [];
    const topLevel = (0,external_node_fs_.readdirSync)(rootDir).sort();
    function walk(dir, prefix) {
        for (const entry of (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true })) {
            const path = `${prefix}${entry.name}`;
            const full = (0,external_node_path_.join)(dir, entry.name);
            if (entry.isDirectory()) {
                walk(full, `${path}/`);
            }
            else if (entry.isFile()) {
                files.push({ path, size: (0,external_node_fs_.statSync)(full).size });
            }
            else if (entry.isSymbolicLink()) {
                // A zip stores what the link points at (or the link itself): count its target's bytes.
                const target = (0,external_node_fs_.statSync)(full, { throwIfNoEntry: false });
                if (target?.isFile())
                    files.push({ path, size: target.size });
                else
                    warnings.push(`${path} is a symbolic link to ${target ? 'a directory' : 'nothing'}; not scanned`);
            }
        }
    }
    walk(rootDir, '');
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { files, topLevel, warnings };
}
function rules_readHead(path) {
    const fd = (0,external_node_fs_.openSync)(path, 'r');
    try {
        const buffer = Buffer.alloc(HEAD_BYTES);
        const bytesRead = (0,external_node_fs_.readSync)(fd, buffer, 0, HEAD_BYTES, 0);
        return buffer.subarray(0, bytesRead);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
async function scanFile(rootDir, file, target, elfFacts) {
    const known = elfFacts?.known.get(file.path);
    if (known)
        return { file, kind: 'elf', elf: known };
    const full = (0,external_node_path_.join)(rootDir, ...file.path.split('/'));
    const head = file.size === 0 ? Buffer.alloc(0) : rules_readHead(full);
    const base = file.path.slice(file.path.lastIndexOf('/') + 1);
    const kind = binaryKindOf(head, base);
    if (kind.kind === 'elf') {
        try {
            const elf = parseElf(await (0,promises_.readFile)(full));
            elfFacts?.learned?.set(file.path, elf);
            return { file, kind: 'elf', elf };
        }
        catch (error) {
            if (!(error instanceof ElfFormatError))
                throw error;
            return {
                file,
                kind: 'other',
                findings: [],
                warning: `${file.path} looks like ELF but cannot be read (${error.message}); not checked`,
            };
        }
    }
    if (kind.kind === 'pe') {
        // A Windows .exe is not a sign of a wrong-platform install: setuptools and pip's vendored
        // distlib ship Windows launchers (cli-64.exe, t64.exe) in their pure-Python wheels, and
        // Lambda never runs them. A PE DLL (.pyd/.dll) is what a Windows wheel brings: an error.
        if (!kind.peDll) {
            return {
                file,
                kind: 'other',
                findings: [],
                warning: `${file.path} is a Windows executable; it never runs on Lambda`,
            };
        }
        return {
            file,
            kind: 'other',
            findings: [
                {
                    file: file.path,
                    rule: 'windows',
                    problem: `is a Windows binary (${kind.byName ? 'by its name' : 'PE format'}); ${targetLabel(target)} loads only Linux ELF`,
                },
            ],
        };
    }
    if (kind.kind === 'mach-o') {
        return {
            file,
            kind: 'other',
            findings: [
                {
                    file: file.path,
                    rule: 'macos',
                    problem: `is a macOS binary (${kind.byName ? 'by its name' : 'Mach-O format'}); ${targetLabel(target)} loads only Linux ELF`,
                },
            ],
        };
    }
    return { file, kind: 'other', findings: [] };
}
/**
 * Verifies an unpacked layer: `rootDir` holds `python/` (and nothing else, for a good layer).
 * Paths in the report are as they appear inside the zip (python/numpy/...).
 */
async function verifyLayerTree(rootDir, target, options = {}) {
    const { files, topLevel, warnings } = listFiles(rootDir);
    const findings = [...checkLayout(topLevel)];
    const scanned = await mapLimited(files, SCAN_CONCURRENCY, (file) => scanFile(rootDir, file, target, options.elfFacts));
    // File names and sonames of every ELF in the layer: the libraries the layer itself provides.
    const layerLibraries = new Set();
    for (const item of scanned) {
        if (item.kind !== 'elf')
            continue;
        layerLibraries.add(item.file.path.slice(item.file.path.lastIndexOf('/') + 1));
        if (item.elf.soname)
            layerLibraries.add(item.elf.soname);
    }
    let checkedBinaries = 0;
    for (const item of scanned) {
        if (item.kind === 'elf') {
            // Relocatable objects (.o), core dumps and the like are never loaded: only executables and
            // shared objects (e_type 2 and 3) must run on the target.
            if (item.elf.type !== 2 && item.elf.type !== 3)
                continue;
            checkedBinaries++;
            findings.push(...checkElf(item.file.path, item.elf, target, layerLibraries));
            const nameFinding = checkExtensionName(item.file.path, target);
            if (nameFinding)
                findings.push(nameFinding);
        }
        else {
            if (item.findings.length > 0)
                checkedBinaries++;
            findings.push(...item.findings);
            if (item.warning)
                warnings.push(item.warning);
            // A foreign binary already has its finding; an extension name on a non-binary (an empty
            // placeholder) still cannot load.
            if (item.findings.length === 0 && item.file.path.endsWith('.so')) {
                const nameFinding = checkExtensionName(item.file.path, target);
                if (nameFinding)
                    findings.push(nameFinding);
            }
        }
    }
    const unzippedSize = files.reduce((sum, file) => sum + file.size, 0);
    if (unzippedSize > src_target/* LAMBDA_LIMITS */.FZ.unzippedBytes) {
        findings.push({
            file: 'python/',
            rule: 'size',
            problem: `unzips to ${unzippedSize} bytes (${formatMiB(unzippedSize)}); Lambda allows ${src_target/* LAMBDA_LIMITS */.FZ.unzippedBytes} bytes (250 MB) unzipped for a function and all its layers`,
        });
    }
    if (options.zipSize !== undefined && options.zipSize > src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes) {
        warnings.push(`layer.zip is ${options.zipSize} bytes (${formatMiB(options.zipSize)}), over the ${src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes}-byte direct-upload limit: it must be published through S3`);
    }
    findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    return {
        ok: findings.length === 0,
        checkedBinaries,
        findings,
        warnings,
        largest: largestPackages(files),
        unzippedSize,
        ...(options.zipSize !== undefined ? { zipSize: options.zipSize } : {}),
    };
}
/** Verifies a layer zip: unpacks it to a temporary directory and verifies the tree. */
async function verifyLayerZip(zipPath, target) {
    let zipSize;
    try {
        zipSize = (await (0,promises_.stat)(zipPath)).size;
    }
    catch (error) {
        throw (0,reader/* zipFileError */.qY)(zipPath, error); // a missing path, a symlink loop, a path too long: one line
    }
    const dir = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'lambda-layer-verify-'));
    try {
        // A zip far beyond Lambda's limit is not worth unpacking (and may be a zip bomb): refuse at
        // four times the limit; anything up to that gets the full report, size finding included.
        await (0,reader/* extractZip */.JE)(zipPath, dir, { maxBytes: 4 * src_target/* LAMBDA_LIMITS */.FZ.unzippedBytes });
        return await verifyLayerTree(dir, target, { zipSize });
    }
    finally {
        await (0,promises_.rm)(dir, { recursive: true, force: true });
    }
}
// --- turning a failed report into an error the user can act on ------------------------------
/** A layer that would not load on its target. Carries the report for callers that print it. */
class VerificationError extends errors/* UserError */.yo {
    report;
    constructor(message, report, hint) {
        super(message, { hint });
        this.name = 'VerificationError';
        this.report = report;
    }
}
/** The package a layer path belongs to (first component under python/), for hints. */
function packageOf(file) {
    const parts = file.split('/');
    if (parts[0] !== 'python' || parts.length < 3)
        return undefined;
    const first = parts[1] ?? '';
    return first.endsWith('.libs') ? first.slice(0, -'.libs'.length) : first;
}
function hintFor(rule, names, target) {
    const packages = names.length === 0 ? 'the package' : names.join(', ');
    const was = names.length > 1 ? 'were' : 'was';
    const newerRuntime = target.os === 'Amazon Linux 2' ? ', or choose python3.12 or newer (Amazon Linux 2023, glibc 2.34)' : '';
    switch (rule) {
        case 'glibc':
            return `pin an older ${packages} whose wheel is tagged manylinux_2_${target.glibc.minor} or older${newerRuntime}`;
        case 'libstdcxx':
            return `pin an older ${packages} (built with an older C++ compiler, or vendoring its own libstdc++)${newerRuntime}`;
        case 'architecture':
            return `rebuild the layer for ${target.architecture} (${packages} ships binaries for another CPU), or set --arch to match the function`;
        case 'windows':
        case 'macos':
            return `${packages} came from a ${rule === 'windows' ? 'Windows' : 'macOS'} wheel: build with lambda-layer build (it selects manylinux wheels for the target) or remove those files`;
        case 'musl':
            return `${packages} came from a musllinux wheel (Alpine); use its manylinux wheel`;
        case 'python-abi':
            return `${packages} ${was} installed for another Python: rebuild the layer with --runtime ${target.runtime}, or set --runtime to the Python the layer was built for`;
        case 'layout':
            return 'put everything under python/ (Lambda extracts layers to /opt and adds /opt/python to sys.path)';
        case 'size':
            return 'trim the largest packages listed, try --slim, or split the dependencies across layers / use a container image';
        default:
            return 'fix the files listed';
    }
}
/** One line per finding: "<file> <problem>". */
function formatFindings(report) {
    return report.findings.map((finding) => `${finding.file} ${finding.problem}`);
}
/** The error for a failed report (undefined when it passed). */
function verificationError(report, target) {
    if (report.ok)
        return undefined;
    const count = report.findings.length;
    const lines = formatFindings(report);
    const message = [
        `the layer would not load on ${targetLabel(target)} ${target.architecture}: ${count} problem${count === 1 ? '' : 's'}`,
        ...lines.slice(0, MAX_LISTED_FINDINGS).map((line) => `  ${line}`),
        ...(lines.length > MAX_LISTED_FINDINGS
            ? [`  ... and ${lines.length - MAX_LISTED_FINDINGS} more (lambda-layer verify --json lists them all)`]
            : []),
    ].join('\n');
    // One hint per rule broken, naming the packages that broke it.
    const byRule = new Map();
    for (const finding of report.findings) {
        const set = byRule.get(finding.rule) ?? new Set();
        const pkg = packageOf(finding.file);
        if (pkg)
            set.add(pkg);
        byRule.set(finding.rule, set);
    }
    const hints = [...byRule].map(([rule, pkgs]) => hintFor(rule, [...pkgs].sort(), target));
    return new VerificationError(message, report, hints.join('; '));
}

;// CONCATENATED MODULE: ./src/wheel/digest.ts
/**
 * The sha256 of a downloaded wheel, computed once per file and process: the per-wheel caches
 * (bytecode, verification facts) are all keyed by it. A wheel in the build's
 * staging folder does not change while the build runs, and each build downloads into a new one.
 */

const digests = new Map();
function wheelDigest(path) {
    let digest = digests.get(path);
    if (!digest) {
        digest = sha256File(path);
        digests.set(path, digest);
        // A failed read is not remembered: the next call reads again.
        digest.catch(() => digests.delete(path));
    }
    return digest;
}

// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __nccwpck_require__(8522);
// EXTERNAL MODULE: external "node:util"
var external_node_util_ = __nccwpck_require__(7975);
;// CONCATENATED MODULE: ./src/zip/deflate.ts
/**
 * Deflate on the libuv threadpool, a bounded number of jobs at a time, and split into fixed-size
 * chunks so one large file (a 25 MB BLAS library) keeps every core busy instead of one.
 *
 * Chunks are joined the way pigz does it: each chunk is compressed with the previous 32 KiB as
 * its preset dictionary and ends with a sync flush (an empty stored block, byte aligned), the
 * last one with a final block. The concatenation is one valid raw deflate stream, and with a
 * fixed chunk size and level it is the same bytes on every run.
 */


const deflateRaw = (0,external_node_util_.promisify)(external_node_zlib_.deflateRaw);
/** Bytes per independently compressed chunk. Part of the output format: changing it changes the zip bytes. */
const DEFLATE_CHUNK_SIZE = 1024 * 1024;
/** Deflate's window: the most history a chunk can refer back into. */
const DICTIONARY_SIZE = 32 * 1024;
const MIN_OUTPUT_BUFFER = 1024;
/** Compresses one chunk of a file; `previous` is the chunk before it (undefined for the first). */
function deflateChunk(chunk, previous, isLast, level, limiter) {
    const options = {
        level,
        // Room for the whole output in one buffer: with the default 16 KiB, every 16 KiB of output is
        // a round trip between the threadpool and the main thread (measured: ~1 s of main-thread time
        // on a numpy+pandas layer).
        chunkSize: Math.max(MIN_OUTPUT_BUFFER, chunk.length + (chunk.length >> 8) + 64),
        finishFlush: isLast ? external_node_zlib_.constants.Z_FINISH : external_node_zlib_.constants.Z_SYNC_FLUSH,
    };
    if (previous && previous.length > 0) {
        options.dictionary = previous.subarray(Math.max(0, previous.length - DICTIONARY_SIZE));
    }
    return limiter.run(() => deflateRaw(chunk, options));
}
/** Compresses a whole in-memory file: its chunks in parallel, returned in order. */
function deflateBuffer(data, level, limiter) {
    if (data.length <= DEFLATE_CHUNK_SIZE)
        return deflateChunk(data, undefined, true, level, limiter).then((c) => [c]);
    const jobs = [];
    for (let start = 0; start < data.length; start += DEFLATE_CHUNK_SIZE) {
        const end = Math.min(start + DEFLATE_CHUNK_SIZE, data.length);
        const previous = start === 0 ? undefined : data.subarray(Math.max(0, start - DICTIONARY_SIZE), start);
        jobs.push(deflateChunk(data.subarray(start, end), previous, end === data.length, level, limiter));
    }
    return Promise.all(jobs);
}

// EXTERNAL MODULE: ./src/zip/format.ts
var format = __nccwpck_require__(4632);
;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./src/zip/workers.ts
/**
 * Worker threads that deflate batches of small files, so a layer's thousands of small files
 * (half the bytes of a pandas+boto3 layer) are compressed on every core instead of on the main
 * thread alone. One message carries a whole batch: node's async zlib costs ~250 us of main-thread
 * time per call, more than deflating a 2 KB file, so files are never sent one by one.
 *
 * Each file is compressed exactly as the main thread would (deflateRawSync, same level, whole
 * file), so the archive's bytes do not depend on which thread did the work.
 *
 * The workers' code is deflate-worker.cjs, shipped beside the bundles (src/programs.ts).
 */



class DeflateWorkers {
    level;
    workers = [];
    pending = new Map();
    load = new Map();
    nextId = 0;
    failure;
    /** `count` workers (default: one per CPU), started now so they are ready when batches come. */
    constructor(level, count = (0,external_node_os_.availableParallelism)()) {
        this.level = level;
        for (let i = 0; i < Math.max(1, count); i++) {
            const worker = new external_node_worker_threads_namespaceObject.Worker((0,programs/* programPath */.k)('zip/deflate-worker.cjs'));
            worker.on('message', (reply) => this.settle(worker, reply));
            worker.on('error', (error) => this.fail(error));
            worker.on('exit', (code) => {
                if (code !== 0)
                    this.fail(new Error(`a zip worker thread exited with code ${code}`));
            });
            this.workers.push(worker);
            this.load.set(worker, 0);
        }
    }
    get size() {
        return this.workers.length;
    }
    /** Deflates each file of the batch; resolves with their compressed bytes, in order. */
    deflate(files) {
        if (this.failure)
            return Promise.reject(this.failure);
        const total = files.reduce((sum, f) => sum + f.length, 0);
        // One transferable copy of the batch: the files themselves may share a pooled ArrayBuffer.
        const data = new Uint8Array(total);
        let offset = 0;
        for (const file of files) {
            data.set(file, offset);
            offset += file.length;
        }
        const id = this.nextId++;
        const worker = this.leastLoaded();
        this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
        const result = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
        worker.postMessage({ id, level: this.level, data: data.buffer, sizes: files.map((f) => f.length) }, [
            data.buffer,
        ]);
        return result;
    }
    /** Stops the workers; batches still pending are rejected. */
    async close() {
        this.fail(new Error('the zip workers were closed'));
        await Promise.all(this.workers.map((w) => w.terminate()));
    }
    leastLoaded() {
        let best = this.workers[0];
        for (const worker of this.workers) {
            if ((this.load.get(worker) ?? 0) < (this.load.get(best) ?? 0))
                best = worker;
        }
        return best;
    }
    settle(worker, reply) {
        this.load.set(worker, (this.load.get(worker) ?? 1) - 1);
        const pending = this.pending.get(reply.id);
        if (!pending)
            return;
        this.pending.delete(reply.id);
        if (reply.error !== undefined || !reply.outputs) {
            pending.reject(new Error(`deflate failed in a zip worker thread: ${reply.error}`));
            return;
        }
        pending.resolve(reply.outputs.map((output) => Buffer.from(output)));
    }
    fail(error) {
        this.failure ??= error;
        for (const pending of this.pending.values())
            pending.reject(error);
        this.pending.clear();
    }
}

;// CONCATENATED MODULE: ./src/zip/writer.ts
/**
 * Deterministic, parallel writer of a Lambda layer zip.
 *
 * Same tree in, same bytes out, whatever the directory, the clock, the umask or the file
 * system's readdir order: entries sorted bytewise by name; directory entries included (as
 * Info-ZIP does, so empty directories survive and `unzip -l` reads like a familiar listing; they
 * cost ~60 bytes each); every timestamp 1980-01-01 00:00; permissions 0755 for directories and
 * executables, else 0644, under "made by Unix"; no extra fields (no UT/ux timestamps or uids)
 * except ZIP64 when a size, an offset or the entry count needs it; no comments; one zlib level.
 * Identical bytes give Lambda an identical CodeSha256, so a re-run can reuse a published version.
 *
 * Caveat: the compressed bytes are zlib's. Node bundles Chromium's zlib fork, whose match
 * finder has CPU-specific paths, so the bytes are reproducible for one Node release on one CPU
 * family (e.g. the same GitHub runner image), not promised across Node upgrades.
 *
 * Speed (issue 7 measures it against `zip -r -X`): small files are deflated in batches on worker
 * threads (zip-workers.ts) while large ones are deflated on the libuv threadpool in 1 MiB chunks
 * (zip-deflate.ts); the archive is written sequentially in sorted order by the main thread and
 * hashed as it is written, never re-read. Memory is bounded by a look-ahead budget; files above
 * SPILL_THRESHOLD are compressed into a temporary file rather than memory.
 */













const DEFAULT_ZIP_LEVEL = 6;
/** Files larger than this are compressed into a temporary file instead of held in memory. */
const SPILL_THRESHOLD = 64 * 1024 * 1024;
/** Bytes of read-ahead (raw plus compressed) the writer may hold before it waits. */
const LOOKAHEAD_BUDGET = 128 * 1024 * 1024;
/** Files smaller than this are deflated whole, in batches on worker threads (see writeEntries). */
const INLINE_THRESHOLD = 128 * 1024;
/** A batch of small files ends at this many bytes or files: big enough to make a message cheap. */
const BATCH_BYTES = 512 * 1024;
const BATCH_FILES = 256;
/** Below this many bytes of small files, starting worker threads (~30 ms) costs more than it saves. */
const WORKERS_MIN_BYTES = 2 * 1024 * 1024;
/** Batches sent per worker ahead of the writer. */
const BATCHES_PER_WORKER = 3;
const YIELD_EVERY_MS = 5;
const WRITE_BUFFER_SIZE = 4 * 1024 * 1024;
/**
 * Zips everything under `sourceDir` into `zipPath` (names relative to `sourceDir`, so a layer
 * directory holding `python/` gives `python/...` entries). The archive is written to a temporary
 * name beside `zipPath` and renamed into place, so a failure leaves no half-written zip.
 */
async function writeLayerZip(sourceDir, zipPath, options = {}) {
    const level = options.level ?? DEFAULT_ZIP_LEVEL;
    if (!Number.isInteger(level) || level < 0 || level > 9) {
        throw new errors/* UserError */.yo(`Zip compression level must be an integer from 0 to 9, got ${level}`);
    }
    const concurrency = Math.max(1, options.concurrency ?? external_node_os_.availableParallelism());
    const entries = listTree(sourceDir);
    const tempPath = `${zipPath}.partial-${process.pid}`;
    const spillDir = await promises_.mkdtemp(external_node_path_.join(external_node_os_.tmpdir(), 'layer-zip-'));
    // An interrupt skips the cleanup below: src/interrupt.ts removes both instead.
    const forget = [(0,interrupt/* removeOnInterrupt */.vY)(spillDir), (0,interrupt/* removeOnInterrupt */.vY)(tempPath)];
    const sink = await ArchiveSink.open(tempPath);
    const copies = new CompressedCopies(entries, options.compressed);
    try {
        const batches = planBatches(entries, copies);
        const smallBytes = batches.list.reduce((sum, b) => sum + b.bytes, 0);
        const useWorkers = level > 0 && batches.list.length > 0 && (options.workers ?? smallBytes >= WORKERS_MIN_BYTES);
        const workers = useWorkers ? new DeflateWorkers(level, concurrency) : undefined;
        let records;
        try {
            records = await writeEntries(entries, sink, {
                level,
                spillDir,
                limiter: new Limiter(concurrency),
                batches,
                workers,
                copies,
            });
        }
        finally {
            await workers?.close();
        }
        const cdOffset = sink.position;
        for (const record of records)
            await sink.write((0,format/* centralDirectoryHeader */.Qp)(record));
        await sink.write((0,format/* endOfArchive */.PG)({ entries: records.length, size: sink.position - cdOffset, offset: cdOffset }));
        const digest = await sink.close();
        await promises_.rename(tempPath, zipPath);
        const files = records.filter((r) => !r.isDirectory);
        return {
            file: external_node_path_.basename(zipPath),
            sha256: digest.toString('hex'),
            codeSha256: digest.toString('base64'),
            zipSize: sink.position,
            unzippedSize: files.reduce((sum, r) => sum + r.size, 0),
            fileCount: files.length,
        };
    }
    catch (error) {
        await sink.close().catch(() => undefined);
        await promises_.rm(tempPath, { force: true });
        throw error;
    }
    finally {
        copies.close();
        await promises_.rm(spillDir, { recursive: true, force: true });
        for (const done of forget)
            done();
    }
}
function planBatches(entries, copies) {
    const list = [];
    const batchOf = new Int32Array(entries.length).fill(-1);
    const positionOf = new Int32Array(entries.length);
    let current;
    entries.forEach((entry, index) => {
        if (entry.isDirectory || entry.size === 0 || !isInline(entry) || copies.has(index))
            return;
        if (!current || current.bytes >= BATCH_BYTES || current.indices.length >= BATCH_FILES) {
            current = { indices: [], bytes: 0 };
            list.push(current);
        }
        positionOf[index] = current.indices.length;
        current.indices.push(index);
        current.bytes += entry.size;
        batchOf[index] = list.length - 1;
    });
    return { list, batchOf, positionOf };
}
/**
 * Writes the entries in order. Ahead of the writer, small files are read and sent in batches to
 * the worker threads (node's async zlib would cost more main-thread time per small file, ~250 us,
 * than deflating it, ~40 us for 2 KB) and large files are deflated on the threadpool in 1 MiB
 * chunks: every core compresses while the main thread only reads, checksums and writes. A
 * small file whose batch was not sent (a small tree, or the writer caught up) is deflated right
 * here, the same way.
 */
async function writeEntries(entries, sink, context) {
    const prefetcher = new Prefetcher(entries, context);
    const records = [];
    let lastYield = performance.now();
    try {
        for (let index = 0; index < entries.length; index++) {
            const entry = entries[index];
            prefetcher.advance(index);
            const prepared = entry.isDirectory
                ? prepareInline(entry, context.level)
                : context.copies.has(index)
                    ? await prepareCopied(entry, index, context)
                    : isInline(entry)
                        ? ((await prefetcher.takeSmall(index)) ?? prepareInline(entry, context.level))
                        : await prefetcher.take(index);
            const record = {
                name: entry.nameBytes,
                isDirectory: entry.isDirectory,
                mode: prepared.mode,
                method: prepared.method,
                crc32: prepared.crc32,
                compressedSize: prepared.compressedSize,
                size: prepared.size,
                offset: sink.position,
            };
            await sink.write((0,format/* localFileHeader */.XA)(record));
            if (prepared.data)
                for (const chunk of prepared.data)
                    await sink.write(chunk);
            if (prepared.dataFile)
                await copyData(prepared, entry, sink);
            records.push(record);
            prefetcher.release(index);
            // Let threadpool completions be handled, so the pool gets its next jobs without waiting
            // for a long run of synchronous small files to end.
            if (performance.now() - lastYield > YIELD_EVERY_MS) {
                await new Promise((resolve) => setImmediate(resolve));
                lastYield = performance.now();
            }
        }
    }
    catch (error) {
        if (error instanceof errors/* UserError */.yo)
            throw error;
        throw new errors/* UserError */.yo(`Cannot zip ${describeFailure(error)}`, { cause: error });
    }
    return records;
}
function describeFailure(error) {
    const nodeError = error;
    return nodeError.path ? `${nodeError.path}: ${nodeError.message}` : String(error);
}
function isInline(entry) {
    return entry.isDirectory || entry.size < INLINE_THRESHOLD;
}
/**
 * Starts work ahead of the writer: the threadpool preparation of the large entries, as far as
 * LOOKAHEAD_BUDGET bytes (raw plus compressed held in memory) allow, and batches of small files
 * on the worker threads.
 */
class Prefetcher {
    entries;
    context;
    pending = new Map();
    next = 0;
    buffered = 0;
    /** Batches of small files sent to the workers whose entries are not all written yet. */
    batchesSent = new Map();
    nextBatch = 0;
    constructor(entries, context) {
        this.entries = entries;
        this.context = context;
    }
    /** Starts what the budget allows, from the writer's position `from` onwards. */
    advance(from) {
        this.next = Math.max(this.next, from);
        while (this.next < this.entries.length) {
            const entry = this.entries[this.next];
            if (!isInline(entry) && !this.context.copies.has(this.next)) {
                const cost = entry.size > SPILL_THRESHOLD ? 4 * DEFLATE_CHUNK_SIZE : 2 * entry.size;
                // Always allow one entry when nothing is held, however large it is.
                if (this.buffered > 0 && this.buffered + cost > LOOKAHEAD_BUDGET)
                    return;
                const promise = prepareLarge(entry, this.context);
                // The writer awaits these in order; this keeps a failure further ahead from being
                // reported as unhandled while the writer is busy (or has failed) on an earlier entry.
                promise.catch(() => undefined);
                this.pending.set(this.next, { promise, cost });
                this.buffered += cost;
            }
            this.next++;
        }
    }
    take(index) {
        this.advance(index);
        const started = this.pending.get(index);
        if (!started)
            throw new Error(`internal: entry ${index} was not prefetched`);
        return started.promise;
    }
    /**
     * The small file at `index` as deflated by a worker, or undefined when there are no workers
     * (the writer then deflates it itself).
     */
    takeSmall(index) {
        const batch = this.context.batches.batchOf[index] ?? -1;
        if (batch < 0)
            return undefined;
        this.sendBatches();
        const sent = this.batchesSent.get(batch);
        if (!sent)
            return undefined;
        const position = this.context.batches.positionOf[index] ?? 0;
        return sent.promise.then((prepared) => prepared[position]);
    }
    release(index) {
        const batch = this.context.batches.batchOf[index] ?? -1;
        const sent = batch >= 0 ? this.batchesSent.get(batch) : undefined;
        if (sent && --sent.unwritten === 0) {
            this.batchesSent.delete(batch);
            this.sendBatches();
        }
        const started = this.pending.get(index);
        if (!started)
            return;
        this.pending.delete(index);
        this.buffered -= started.cost;
    }
    /**
     * Sends the next batches of small files to the workers, in archive order, while fewer than
     * BATCHES_PER_WORKER per worker are sent and not yet written (that bounds the memory they hold).
     */
    sendBatches() {
        const { workers, batches } = this.context;
        if (!workers)
            return;
        while (this.nextBatch < batches.list.length &&
            this.batchesSent.size < BATCHES_PER_WORKER * workers.size) {
            const batch = this.nextBatch++;
            const files = (batches.list[batch]?.indices ?? []).map((i) => this.entries[i]);
            const data = files.map((entry) => (0,external_node_fs_.readFileSync)(entry.sourcePath));
            const promise = workers
                .deflate(data)
                .then((compressed) => compressed.map((bytes, k) => finish(data[k], [bytes], (0,format/* normalizedMode */.lX)(files[k].statMode, false))));
            // Awaited in order by the writer; this keeps a failure ahead of it from being unhandled.
            promise.catch(() => undefined);
            this.batchesSent.set(batch, { promise, unwritten: files.length });
        }
    }
}
/**
 * The entries whose bytes are copied from another zip (ZipWriteOptions.compressed): those whose
 * listed size matches the source's. Each source zip is opened once.
 */
class CompressedCopies {
    byIndex = new Map();
    handles = new Map();
    constructor(entries, sources) {
        if (!sources)
            return;
        entries.forEach((entry, index) => {
            const source = sources.get(entry.name);
            const copyable = source && (source.method === format/* METHOD_STORED */.y$ || source.method === format/* METHOD_DEFLATED */.oT);
            // Larger sources are read whole into memory: beyond the spill size, compress as usual.
            const fits = source && source.compressedSize <= SPILL_THRESHOLD;
            if (copyable && fits && !entry.isDirectory && source.size === entry.size && source.size > 0) {
                this.byIndex.set(index, source);
            }
        });
    }
    has(index) {
        return this.byIndex.has(index);
    }
    get(index) {
        return this.byIndex.get(index);
    }
    /** The source's compressed bytes. */
    read(source) {
        let fd = this.handles.get(source.file);
        if (fd === undefined) {
            fd = (0,external_node_fs_.openSync)(source.file, 'r');
            this.handles.set(source.file, fd);
        }
        const bytes = Buffer.allocUnsafe(source.compressedSize);
        let filled = 0;
        while (filled < bytes.length) {
            const read = (0,external_node_fs_.readSync)(fd, bytes, filled, bytes.length - filled, source.dataStart + filled);
            if (read === 0)
                throw new errors/* UserError */.yo(`${source.file} ends inside an entry's data: the file changed or is damaged`);
            filled += read;
        }
        return bytes;
    }
    close() {
        for (const fd of this.handles.values())
            (0,external_node_fs_.closeSync)(fd);
        this.handles.clear();
    }
}
/**
 * An entry copied from its source zip: only when the file in the tree is still the source's
 * (same CRC-32 over what is read now); otherwise it is compressed like any other file.
 */
async function prepareCopied(entry, index, context) {
    const source = context.copies.get(index);
    const mode = (0,format/* normalizedMode */.lX)(entry.statMode, false);
    const copied = () => ({
        method: source.method,
        crc32: source.crc32,
        size: source.size,
        compressedSize: source.compressedSize,
        mode,
        data: [context.copies.read(source)],
    });
    // Untouched since it was written from these bytes: reading it back (the data workload's 180 MB
    // of wheel files) would only recompute the CRC the source already has.
    if (sameWitness(source.written, entry.witness))
        return copied();
    let checksum = 0;
    let size = 0;
    if (isInline(entry)) {
        // One synchronous read: a stream per small file costs more than the file.
        const data = (0,external_node_fs_.readFileSync)(entry.sourcePath);
        checksum = (0,format/* crc32 */.QR)(data);
        size = data.length;
    }
    else {
        for await (const chunk of (0,external_node_fs_.createReadStream)(entry.sourcePath, { highWaterMark: DEFLATE_CHUNK_SIZE })) {
            checksum = (0,format/* crc32 */.QR)(chunk, checksum);
            size += chunk.length;
        }
    }
    if (checksum !== source.crc32 || size !== source.size) {
        return isInline(entry) ? prepareInline(entry, context.level) : prepareLarge(entry, context);
    }
    return copied();
}
/** A directory or small file, prepared synchronously on the main thread. */
function prepareInline(entry, level) {
    if (entry.isDirectory) {
        return { method: format/* METHOD_STORED */.y$, crc32: 0, size: 0, compressedSize: 0, mode: (0,format/* normalizedMode */.lX)(0, true) };
    }
    const data = (0,external_node_fs_.readFileSync)(entry.sourcePath);
    const compressed = data.length > 0 && level > 0 ? [(0,external_node_zlib_.deflateRawSync)(data, { level })] : undefined;
    return finish(data, compressed, (0,format/* normalizedMode */.lX)(entry.statMode, false));
}
async function prepareLarge(entry, context) {
    const mode = (0,format/* normalizedMode */.lX)(entry.statMode, false);
    if (entry.size > SPILL_THRESHOLD)
        return prepareSpilled(entry, mode, context);
    const data = await promises_.readFile(entry.sourcePath);
    const compressed = data.length > 0 && context.level > 0
        ? await deflateBuffer(data, context.level, context.limiter)
        : undefined;
    return finish(data, compressed, mode);
}
function finish(data, compressed, mode) {
    const checksum = (0,format/* crc32 */.QR)(data);
    const compressedSize = compressed
        ? compressed.reduce((sum, c) => sum + c.length, 0)
        : Number.POSITIVE_INFINITY;
    // Deflate that does not shrink the file (already compressed data, tiny files) is stored instead.
    if (!compressed || compressedSize >= data.length) {
        return {
            method: format/* METHOD_STORED */.y$,
            crc32: checksum,
            size: data.length,
            compressedSize: data.length,
            mode,
            data: [data],
        };
    }
    return {
        method: format/* METHOD_DEFLATED */.oT,
        crc32: checksum,
        size: data.length,
        compressedSize,
        mode,
        data: compressed,
    };
}
/**
 * A file too large to hold in memory: read chunk by chunk, deflate a few chunks at a time and
 * append them in order to a spill file. When deflate does not shrink it, the writer copies the
 * source file itself (checking it still has the same CRC).
 */
async function prepareSpilled(entry, mode, context) {
    const spillPath = external_node_path_.join(context.spillDir, `${(0,external_node_crypto_.randomUUID)()}.deflate`);
    const source = await promises_.open(entry.sourcePath, 'r');
    const spill = await promises_.open(spillPath, 'w');
    try {
        const inFlight = [];
        let checksum = 0;
        let size = 0;
        let compressedSize = 0;
        let previous;
        const drainOne = async () => {
            const compressed = await inFlight.shift();
            await spill.write(compressed);
            compressedSize += compressed.length;
        };
        let next = await readChunk(source, size);
        while (next.length > 0) {
            const chunk = next;
            checksum = (0,format/* crc32 */.QR)(chunk, checksum);
            size += chunk.length;
            next = await readChunk(source, size);
            const job = deflateChunk(chunk, previous, next.length === 0, context.level, context.limiter);
            job.catch(() => undefined);
            inFlight.push(job);
            previous = chunk;
            if (inFlight.length >= 4)
                await drainOne();
        }
        while (inFlight.length > 0)
            await drainOne();
        if (size === 0 || compressedSize >= size) {
            return {
                method: format/* METHOD_STORED */.y$,
                crc32: checksum,
                size,
                compressedSize: size,
                mode,
                dataFile: entry.sourcePath,
            };
        }
        return { method: format/* METHOD_DEFLATED */.oT, crc32: checksum, size, compressedSize, mode, dataFile: spillPath };
    }
    finally {
        await source.close();
        await spill.close();
    }
}
async function readChunk(file, position) {
    const buffer = Buffer.allocUnsafe(DEFLATE_CHUNK_SIZE);
    let filled = 0;
    while (filled < buffer.length) {
        const { bytesRead } = await file.read(buffer, filled, buffer.length - filled, position + filled);
        if (bytesRead === 0)
            break;
        filled += bytesRead;
    }
    return buffer.subarray(0, filled);
}
/** Copies a spilled (or stored large) entry's bytes into the archive. */
async function copyData(prepared, entry, sink) {
    const stored = prepared.method === format/* METHOD_STORED */.y$;
    let copied = 0;
    let checksum = 0;
    for await (const chunk of (0,external_node_fs_.createReadStream)(prepared.dataFile, {
        highWaterMark: DEFLATE_CHUNK_SIZE,
    })) {
        const bytes = chunk;
        if (stored)
            checksum = (0,format/* crc32 */.QR)(bytes, checksum);
        copied += bytes.length;
        await sink.write(bytes);
    }
    if (copied !== prepared.compressedSize || (stored && checksum !== prepared.crc32)) {
        throw new errors/* UserError */.yo(`File ${entry.sourcePath} changed while the layer was being zipped`, {
            hint: 'Run the build again once nothing else writes to the layer directory.',
        });
    }
}
/** The archive file: buffered sequential writes, hashed as they are written. */
class ArchiveSink {
    file;
    position = 0;
    hash = (0,external_node_crypto_.createHash)('sha256');
    pending = [];
    pendingBytes = 0;
    digest;
    constructor(file) {
        this.file = file;
    }
    static async open(filePath) {
        return new ArchiveSink(await promises_.open(filePath, 'w'));
    }
    async write(bytes) {
        this.hash.update(bytes);
        this.position += bytes.length;
        this.pending.push(bytes);
        this.pendingBytes += bytes.length;
        if (this.pendingBytes >= WRITE_BUFFER_SIZE)
            await this.flush();
    }
    async flush() {
        if (this.pendingBytes === 0)
            return;
        const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
        this.pending = [];
        this.pendingBytes = 0;
        let offset = 0;
        while (offset < bytes.length) {
            const { bytesWritten } = await this.file.write(bytes, offset, bytes.length - offset);
            offset += bytesWritten;
        }
    }
    /** Flushes, closes and returns the sha256 of everything written. */
    async close() {
        if (this.digest)
            return this.digest;
        try {
            await this.flush();
        }
        finally {
            await this.file.close();
        }
        this.digest = this.hash.digest();
        return this.digest;
    }
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
// EXTERNAL MODULE: ./src/process.ts
var src_process = __nccwpck_require__(4006);
;// CONCATENATED MODULE: ./src/layer/package-tests.ts
/**
 * A package's own test suite: the files under a `tests` or `test` directory inside a package
 * (python/<pkg>/.../tests/...). A Lambda function imports the package, never its tests: --slim
 * removes them, and without it they ship as source only (no bytecode, see bytecode.ts). A
 * top-level python/tests is left alone: it is a (badly named) importable package of its own.
 */
function isInPackageTests(relativePath) {
    const dirs = relativePath.split('/').slice(0, -1);
    // Index >= 1: a tests directory inside a package, never a top-level package named tests.
    return dirs.some((dir, index) => index >= 1 && (dir === 'tests' || dir === 'test'));
}

;// CONCATENATED MODULE: ./src/layer/compile-pool.ts
/**
 * The interpreters that compile a layer's sources (compile_pycs.py, one per core), fed while
 * they run: the bytecode stage hands them every source at once, and on the wheels path the
 * install stage hands them each wheel's sources as soon as its files are written, so compiling
 * (CPU) overlaps unpacking (mostly the file system creating thousands of files). Each source
 * goes to the interpreter with the fewest bytes queued so far: given largest first, that is the
 * classic longest-processing-time split.
 */





/** Where Lambda mounts a layer's python/ directory: tracebacks should show these paths. */
const LAMBDA_PYTHON_DIR = '/opt/python';
const COMPILE_TIMEOUT_MS = 15 * 60_000;
/**
 * The environment the interpreters run in. PYTHONHASHSEED=0 makes the pycs reproducible:
 * without it string hashing is randomized per process, and the order in which marshal writes a
 * frozenset constant (`x in {"a", "b"}`) changes from run to run. Variables that would change
 * where or what is written (PYTHONPYCACHEPREFIX, PYTHONOPTIMIZE, ...) are dropped. We cannot use
 * -I/-E instead: they would make the interpreter ignore PYTHONHASHSEED too.
 */
function compileEnv(env) {
    const clean = {};
    for (const [key, value] of Object.entries(env)) {
        if (!key.startsWith('PYTHON'))
            clean[key] = value;
    }
    clean.PYTHONHASHSEED = '0';
    return clean;
}
/**
 * Starts `processes` interpreters (default: one per core) compiling sources under `pythonDir`
 * for /opt/python/<path>, exactly as compileall would (compile_pycs.py says how).
 */
function startCompilePool(interpreter, pythonDir, env, log, processes = (0,external_node_os_.availableParallelism)()) {
    const args = ['-s', (0,programs/* programPath */.k)('layer/compile_pycs.py'), pythonDir, LAMBDA_PYTHON_DIR];
    log.debug(`${interpreter} ${args.join(' ')} (sources on stdin, ${processes} processes)`);
    const workers = Array.from({ length: Math.max(1, processes) }, () => {
        const input = new external_node_stream_.PassThrough();
        // Each runs in its own process group: a timeout or an interrupt takes it down.
        const run = (0,src_process/* runProcess */.R)(interpreter, args, {
            env: compileEnv(env),
            timeoutMs: COMPILE_TIMEOUT_MS,
            inputStream: input,
        });
        // Awaited in finish(); until then a failure to start must not be an unhandled rejection.
        run.catch(() => undefined);
        return { input, run, queued: 0 };
    });
    let finished = false;
    return {
        add(sources) {
            if (finished)
                throw new Error('compile pool: add() after finish()');
            for (const source of sources) {
                const least = workers.reduce((min, w) => (w.queued < min.queued ? w : min));
                least.input.write(`${source.relative}\n`);
                least.queued += Math.max(1, source.bytes);
            }
        },
        async finish() {
            finished = true;
            for (const worker of workers)
                worker.input.end();
            const failed = [];
            for (const worker of workers) {
                const run = await worker.run;
                if (run.code !== 0) {
                    throw new Error(`${interpreter} ${args.join(' ')} ${run.timedOut ? 'timed out' : `exited with ${run.code ?? run.signal}`}:\n${run.output}`);
                }
                for (const line of run.stdout.split('\n')) {
                    if (line.trim())
                        failed.push(JSON.parse(line));
                }
            }
            return failed;
        },
    };
}
/**
 * Whether the layer ships bytecode for a file under python/: a source compileall would compile
 * (not in a __pycache__), unless it belongs to a package's test suite.
 */
function isCompiledSource(relative) {
    return (relative.endsWith('.py') && !relative.split('/').includes('__pycache__') && !isInPackageTests(relative));
}

;// CONCATENATED MODULE: ./src/layer/wheel-bytecode.ts
/**
 * Per-wheel bytecode cache. A target pyc compiled here is a function of the source's bytes, its
 * path under python/, the interpreter's version and the invalidation mode (compileBytecode pins
 * the rest: PYTHONHASHSEED=0, /opt/python as the recorded path). A wheel fixes both the bytes and
 * the paths of its files, so the pycs of the files a wheel put in the layer are cached under
 * sha256(wheel sha256, Python version, mode): a rebuild after one pin changes compiles only the
 * changed wheels' modules and copies the rest.
 *
 * Entry: <dir>/<key>/index.json ({ pycs: { "<pyc path>": [offset, length, sha256] }, failed:
 * [<py path>] }) and the pycs one after another in <dir>/<key>/pycs.bin. Written to a temp
 * folder and renamed into place; a pyc whose sha256 no longer matches the index (a damaged
 * cache) makes the whole entry a miss, removed and written again after compiling.
 */





/** Bump when what an entry holds, or how a pyc is compiled, changes. */
const FORMAT = 2;
/**
 * The entry's pycs, one after another: one file per wheel, where a file per pyc cost the first
 * build ~0.8 ms each to create on the benchmark machine's disk (1,006 pycs for the data layer).
 */
const BUNDLE = 'pycs.bin';
function wheelBytecodeKey(wheelSha256, pythonVersion, mode) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify({ format: FORMAT, wheel: wheelSha256, python: pythonVersion, mode }))
        .digest('hex');
}
function sha256(bytes) {
    return (0,external_node_crypto_.createHash)('sha256').update(bytes).digest('hex');
}
/** An entry's index, or undefined when there is none or it does not parse as one. */
async function readBytecodeIndex(entry) {
    try {
        const index = JSON.parse(await (0,promises_.readFile)((0,external_node_path_.join)(entry, 'index.json'), 'utf8'));
        return typeof index.pycs === 'object' && index.pycs !== null && Array.isArray(index.failed)
            ? index
            : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * Writes a cached entry's pycs into `pythonDir` (only those whose source is in `sources`, the
 * .py paths this wheel still has in the layer). Returns the entry's index, or undefined when
 * there is no entry or it is damaged (then it is removed).
 */
async function restoreWheelBytecode(dir, key, pythonDir, pycOf, sources) {
    const entry = (0,external_node_path_.join)(dir, key);
    const index = await readBytecodeIndex(entry);
    const bundle = index && readFileSyncOrUndefined((0,external_node_path_.join)(entry, BUNDLE));
    if (!index || !bundle) {
        if ((0,external_node_fs_.existsSync)(entry))
            await (0,promises_.rm)(entry, { recursive: true, force: true });
        return undefined;
    }
    // Check everything before writing anything into the layer.
    const failed = new Set(index.failed);
    const restored = [];
    for (const source of sources) {
        if (failed.has(source))
            continue;
        const pyc = pycOf(source);
        const placed = index.pycs[pyc];
        const bytes = placed && bundle.subarray(placed[0], placed[0] + placed[1]);
        if (!placed || !bytes || bytes.length !== placed[1] || sha256(bytes) !== placed[2]) {
            await (0,promises_.rm)(entry, { recursive: true, force: true });
            return undefined;
        }
        restored.push([pyc, bytes]);
    }
    // Synchronous, as src/wheel/install.ts writes files.
    const made = new Set();
    for (const [pyc, bytes] of restored) {
        const target = (0,external_node_path_.join)(pythonDir, pyc);
        if (!made.has((0,external_node_path_.dirname)(target))) {
            (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(target), { recursive: true });
            made.add((0,external_node_path_.dirname)(target));
        }
        (0,external_node_fs_.writeFileSync)(target, bytes);
    }
    await markEntryUsed((0,external_node_path_.join)(entry, 'index.json'));
    return index;
}
function readFileSyncOrUndefined(path) {
    try {
        return (0,external_node_fs_.readFileSync)(path);
    }
    catch {
        return undefined;
    }
}
/** Stores the pycs of one wheel's sources (compiled in `pythonDir`) under `key`. */
async function storeWheelBytecode(dir, key, pythonDir, pycOf, sources) {
    await writeEntryFolder(dir, key, async (partial) => {
        const pycs = {};
        const failed = [];
        const parts = [];
        let offset = 0;
        for (const source of sources) {
            const pyc = pycOf(source);
            const bytes = readFileSyncOrUndefined((0,external_node_path_.join)(pythonDir, pyc));
            if (!bytes) {
                failed.push(source);
                continue;
            }
            pycs[pyc] = [offset, bytes.length, sha256(bytes)];
            parts.push(bytes);
            offset += bytes.length;
        }
        await (0,promises_.writeFile)((0,external_node_path_.join)(partial, BUNDLE), Buffer.concat(parts));
        await (0,promises_.writeFile)((0,external_node_path_.join)(partial, 'index.json'), JSON.stringify({ pycs, failed }));
    });
}

;// CONCATENATED MODULE: ./src/layer/bytecode.ts
/**
 * Bytecode for the target interpreter. Lambda's /opt is read-only, so a .pyc that is missing,
 * stale or for another Python is compiled again, in memory, on every cold start. We remove
 * whatever bytecode the install left (pip compiles with the interpreter that ran it, with
 * timestamp pycs the zip's fixed timestamps would invalidate) and compile every .py (but a
 * package's tests) with an interpreter of exactly the target's minor version, as unchecked
 * hash-based pycs (PEP 552): the import system loads them without looking at the source's mtime.
 */









/** The target pyc of a source (both relative to python/, '/'-separated), as compileall names it. */
function pycOf(source, cacheTag) {
    const slash = source.lastIndexOf('/');
    return `${source.slice(0, slash + 1)}__pycache__/${source.slice(slash + 1, -3)}.${cacheTag}.pyc`;
}
/**
 * Removes every .pyc the layer should not ship (all but the absolute paths in `keep`: target
 * pycs already compiled); returns how many were removed.
 */
async function removeBytecode(pythonDir, keep) {
    let removed = 0;
    async function walk(dir) {
        const entries = await (0,promises_.readdir)(dir, { withFileTypes: true });
        const names = new Set(entries.map((e) => e.name));
        for (const entry of entries) {
            const full = (0,external_node_path_.join)(dir, entry.name);
            if (entry.isDirectory()) {
                if (entry.name === '__pycache__') {
                    // PEP 3147: bytecode in __pycache__ is only ever used next to its source, so all of
                    // it can go: the target's is compiled again below, anything else is dead weight.
                    for (const cached of await (0,promises_.readdir)(full)) {
                        if (/\.py[co]$/.test(cached) && !keep?.has((0,external_node_path_.join)(full, cached))) {
                            await (0,promises_.rm)((0,external_node_path_.join)(full, cached), { force: true });
                            removed++;
                        }
                    }
                    await (0,promises_.rmdir)(full).catch(() => undefined); // only when now empty
                }
                else {
                    await walk(full);
                }
            }
            else if (/\.py[co]$/.test(entry.name) && names.has(entry.name.slice(0, -1))) {
                // A legacy foo.pyc next to foo.py is never imported (the source wins). A foo.pyc with
                // no foo.py is a sourceless module: the only copy of that code, so it stays.
                await (0,promises_.rm)(full, { force: true });
                removed++;
            }
        }
    }
    await walk(pythonDir);
    return removed;
}
/**
 * Every .py file compileall would visit under python/ that gets bytecode, with its size and
 * expected pyc; and how many were left as source because they are a package's tests.
 */
async function sourceFiles(pythonDir, cacheTag) {
    const found = [];
    let tests = 0;
    async function walk(dir, prefix) {
        for (const entry of await (0,promises_.readdir)(dir, { withFileTypes: true })) {
            // compileall does not descend into symlinked directories; neither do we (Dirent is lstat).
            if (entry.isDirectory()) {
                // compileall skips __pycache__ folders as well.
                if (entry.name !== '__pycache__')
                    await walk((0,external_node_path_.join)(dir, entry.name), `${prefix}${entry.name}/`);
            }
            else if (entry.name.endsWith('.py')) {
                const relative = `${prefix}${entry.name}`;
                if (!isCompiledSource(relative)) {
                    tests++;
                    continue;
                }
                found.push({
                    layerPath: `python/${relative}`,
                    relative,
                    // Synchronous, as the existence checks below: thousands of cheap calls.
                    bytes: (0,external_node_fs_.statSync)((0,external_node_path_.join)(dir, entry.name)).size,
                    pyc: (0,external_node_path_.join)(pythonDir, pycOf(relative, cacheTag)),
                });
            }
        }
    }
    await walk(pythonDir, '');
    return { found, tests };
}
/** Below this many sources per interpreter, starting another costs more than it saves. */
const SOURCES_PER_WORKER = 48;
/**
 * Removes bytecode not for the target, then compiles every .py under `pythonDir` but those of
 * packages' test suites (package-tests.ts: never imported on Lambda, and on the data workload
 * 1,362 of 2,368 modules, over half the compile time) with an interpreter of exactly the target's
 * Python version. With no such interpreter it ships no
 * bytecode (never the wrong bytecode) and says so. Files that do not compile (Python 2 syntax
 * in a package's templates, say) are listed as warnings, not failures: Python would fail on
 * them at import time on Lambda just the same, and most are never imported.
 */
async function compileBytecode(pythonDir, target, options, log) {
    const started = Date.now();
    // The early pool writes into the tree: it finishes before anything here reads or removes.
    const earlyFailures = options.early ? await options.early.pool.finish() : [];
    const interpreter = await (0,interpreters/* findInterpreter */.A)(target.pythonVersion, options.interpreter, {
        log,
        env: options.env,
        inputName: 'bytecode-python',
    });
    const cacheTag = `cpython-${target.pythonVersion.replace('.', '')}`;
    // The pool's work counts only if it ran the interpreter this stage uses: its failures are
    // final (compiling them again fails again), its pycs are kept.
    const early = options.early && interpreter?.path === options.early.interpreter ? options.early : undefined;
    const earlyTried = early?.sources ?? new Set();
    const failedEarly = new Set(earlyFailures.map((failure) => failure.path));
    const earlyCompiled = [...earlyTried].filter((source) => !failedEarly.has(source));
    const removed = await removeBytecode(pythonDir, new Set(earlyCompiled.map((source) => (0,external_node_path_.join)(pythonDir, pycOf(source, cacheTag)))));
    if (!interpreter) {
        const reason = `no Python ${target.pythonVersion} interpreter found on PATH, in the runner tool cache or in pyenv; ` +
            `the layer ships without bytecode and ${target.runtime} compiles modules on every cold start`;
        log.warn(`${reason} (install Python ${target.pythonVersion}, e.g. with actions/setup-python, or pass --bytecode-python)`);
        return { compiled: 0, mode: 'none', reason, removed };
    }
    const { found: sources, tests } = await sourceFiles(pythonDir, cacheTag);
    const cache = options.wheelCache
        ? await restoreFromWheelCache(options.wheelCache, pythonDir, sources, interpreter.version, cacheTag)
        : undefined;
    const toCompile = sources.filter((source) => !cache?.restoredSources.has(source.relative) && !earlyTried.has(source.relative));
    const failures = early ? [...earlyFailures] : [];
    if (toCompile.length > 0) {
        const pool = startCompilePool(interpreter.path, pythonDir, options.env ?? process.env, log, Math.min((0,external_node_os_.availableParallelism)(), Math.ceil(toCompile.length / SOURCES_PER_WORKER)));
        pool.add([...toCompile].sort((a, b) => b.bytes - a.bytes));
        failures.push(...(await pool.finish()));
    }
    if (cache)
        await cache.storeMisses();
    // Ground truth is the file system: a source either has its target pyc now or it does not.
    const failed = [];
    let compiled = 0;
    // Synchronous: thousands of checks, each cheaper than an async round trip through the threadpool.
    for (const source of sources) {
        if ((0,external_node_fs_.existsSync)(source.pyc))
            compiled++;
        else
            failed.push(source.layerPath);
    }
    const fromCache = cache?.restored ?? 0;
    log.info(`Compiled ${compiled} of ${sources.length} modules to ${cacheTag} unchecked-hash bytecode with Python ${interpreter.version} (${interpreter.path}) in ${((Date.now() - started) / 1000).toFixed(1)}s${early ? ` (${earlyCompiled.length} while the wheels unpacked)` : ''}${cache ? ` (${fromCache} from the per-wheel cache, ${cache.hitWheels} of ${cache.wheels} wheels)` : ''}; removed ${removed} stale .pyc`);
    if (tests > 0)
        log.info(`${(0,src_report/* countOf */.pq)(tests, 'module', 'modules')} of packages' tests/ folders ship as source only (no bytecode)`);
    if (failed.length > 0) {
        const shown = failed.slice(0, 10).join(', ');
        log.warn(`${failed.length} file(s) are not valid Python ${target.pythonVersion} and ship without bytecode (importing them would fail on Lambda too): ${shown}${failed.length > 10 ? `, ... (${failed.length - 10} more)` : ''}`);
        const shownFailures = new Set(failed);
        for (const failure of failures)
            if (shownFailures.has(`python/${failure.path}`))
                log.debug(`${failure.path}: ${failure.error}`);
    }
    return {
        compiled,
        interpreter: { path: interpreter.path, version: interpreter.version },
        mode: 'unchecked-hash',
        removed,
        ...(failed.length > 0 ? { failed } : {}),
        ...(cache ? { fromCache } : {}),
        ...(tests > 0 ? { testModules: tests } : {}),
    };
}
/**
 * Restores the pycs of every wheel whose entry is in the per-wheel cache; returns what is left
 * to compile (top-level names under python/) and how to store the wheels that missed.
 */
async function restoreFromWheelCache(wheelCache, pythonDir, sources, pythonVersion, cacheTag) {
    const pycPath = (source) => pycOf(source, cacheTag);
    const byWheel = new Map();
    for (const { relative: source } of sources) {
        const owner = wheelCache.owners.get(source);
        if (!owner)
            continue; // not from a wheel (a local project pip built): always compiled
        const owned = byWheel.get(owner);
        if (owned)
            owned.push(source);
        else
            byWheel.set(owner, [source]);
    }
    const misses = [];
    const restoredSources = new Set();
    let restored = 0;
    for (const [wheel, owned] of byWheel) {
        const key = wheelBytecodeKey(wheel, pythonVersion, 'unchecked-hash');
        const index = await restoreWheelBytecode(wheelCache.dir, key, pythonDir, pycPath, owned);
        if (!index) {
            misses.push([key, owned]);
            continue;
        }
        // A source that failed to compile before fails again: it is not compiled a second time.
        const failed = new Set(index.failed);
        for (const source of owned)
            restoredSources.add(source);
        restored += owned.filter((source) => !failed.has(source)).length;
    }
    return {
        restored,
        wheels: byWheel.size,
        hitWheels: byWheel.size - misses.length,
        restoredSources,
        storeMisses: async () => {
            for (const [key, owned] of misses)
                await storeWheelBytecode(wheelCache.dir, key, pythonDir, pycPath, owned);
        },
    };
}

;// CONCATENATED MODULE: ./src/layer/early-bytecode.ts
/**
 * Bytecode compiled while the wheels unpack. Unpacking is mostly the file system creating
 * thousands of files (the CPU waits), compiling is CPU: on the wheels path the install stage
 * hands each wheel's sources to a compile pool (./compile-pool.ts) as soon as its files are
 * written, and the bytecode stage only waits for the pool, keeps its pycs and compiles what is
 * left. Only when nothing changes the tree between the two stages (no --slim) and the wheel has
 * no entry in the per-wheel bytecode cache (the bytecode stage restores those). Anything that
 * goes wrong here (no interpreter, an unreadable wheel) only means the bytecode stage compiles
 * that source itself, and says why if it cannot.
 */






function startEarlyBytecode(params) {
    // The same (remembered) lookup the bytecode stage makes; its errors are that stage's to report.
    const interpreter = (0,interpreters/* findInterpreter */.A)(params.target.pythonVersion, params.interpreter, {
        env: params.env,
    }).catch(() => undefined);
    const sources = new Set();
    let pool;
    let poolInterpreter = '';
    let queue = Promise.resolve();
    function poolFor(found) {
        if (!pool) {
            pool = startCompilePool(found.path, params.pythonDir, params.env ?? process.env, params.log);
            poolInterpreter = found.path;
        }
        return pool;
    }
    async function hand(wheel, files) {
        const found = await interpreter;
        if (!found)
            return;
        if (params.bytecodeCacheDir) {
            const key = wheelBytecodeKey(await wheelDigest(wheel), found.version, 'unchecked-hash');
            if ((0,external_node_fs_.existsSync)((0,external_node_path_.join)(params.bytecodeCacheDir, key, 'index.json')))
                return;
        }
        const mine = files.filter((file) => isCompiledSource(file.path));
        if (mine.length === 0)
            return;
        poolFor(found).add([...mine].sort((a, b) => b.size - a.size).map((file) => ({ relative: file.path, bytes: file.size })));
        for (const file of mine)
            sources.add(file.path);
    }
    // Without a per-wheel cache every source is compiled here: the interpreters start while pip
    // runs (~30 ms each to start, on the critical path once the first wheel is written).
    if (!params.bytecodeCacheDir) {
        queue = interpreter.then((found) => {
            if (found)
                poolFor(found);
        });
    }
    return {
        onWheelWritten(wheel, files) {
            queue = queue.then(() => hand(wheel, files)).catch(() => undefined);
        },
        async handOver() {
            await queue;
            return pool ? { interpreter: poolInterpreter, sources, pool } : undefined;
        },
        async abandon() {
            await queue;
            await pool?.finish().catch(() => undefined);
        },
    };
}

;// CONCATENATED MODULE: ./src/layer/dist-info.ts
/**
 * What an installed distribution's *.dist-info says about itself: its name (METADATA) and the
 * files it installed (RECORD, which every wheel installer writes, unlike setuptools'
 * top_level.txt). Read from the layer tree, so it reflects what the layer holds.
 */


/** PEP 503 normalized project name: the key distributions are matched by. */
function normalizeDistributionName(name) {
    return name.toLowerCase().replace(/[-_.]+/g, '-');
}
/** First column of each RECORD line (CSV; a path with a comma is quoted, "" escapes a quote). */
function dist_info_recordPaths(text) {
    return text
        .split(/\r?\n/)
        .filter(Boolean)
        .map((line) => {
        const quoted = /^"((?:[^"]|"")*)"/.exec(line);
        return quoted ? (quoted[1] ?? '').replace(/""/g, '"') : (line.split(',')[0] ?? '');
    });
}
function metadataName(text) {
    const head = text.split(/\r?\n\r?\n/)[0] ?? '';
    return /^Name:[ \t]*(.+?)\s*$/im.exec(head)?.[1];
}
/** Every *.dist-info directly in python/, with its METADATA name and RECORD paths. */
function readInstalledDistributions(pythonDir) {
    const found = [];
    for (const distInfo of (0,external_node_fs_.readdirSync)(pythonDir).filter((name) => name.endsWith('.dist-info'))) {
        const read = (file) => {
            try {
                return (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(pythonDir, distInfo, file), 'utf8');
            }
            catch {
                return '';
            }
        };
        const name = metadataName(read('METADATA')) ?? distInfo.replace(/-[^-]*\.dist-info$/, '');
        found.push({ name, distInfo, files: dist_info_recordPaths(read('RECORD')) });
    }
    return found.sort((a, b) => a.distInfo.localeCompare(b.distInfo));
}

;// CONCATENATED MODULE: ./src/layer/import-proof/modules.ts
/**
 * Which modules prove a distribution: the importable names its RECORD installed, at the first
 * level that is real code. `flask/__init__.py` gives `flask`, `six.py` gives `six`, and a
 * namespace package (a directory without __init__.py, which imports even when empty) is looked
 * into: protobuf's `google/protobuf/__init__.py` gives `google.protobuf`, not `google`.
 * RECORD rather than top_level.txt: every wheel installer writes RECORD, only setuptools writes
 * top_level.txt, and top_level.txt names `google` for protobuf.
 */
/** Extension module file names: `name.cpython-311-x86_64-linux-gnu.so`, `name.abi3.so`, `name.so`. */
const MODULE_FILE = /^([^.]+)(?:\.[^/]*)?\.so$|^([^.]+)\.py$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Top-level folders some wheels ship by packaging mistake (aiomysql ships docs/ and examples/,
 * einx ships test/; some ship setup.py): not the distribution's code, and importing them runs
 * test or build tooling the layer does not contain (`setup` calls setuptools.setup()).
 */
const NOT_THE_DISTRIBUTIONS_CODE = new Set([
    'tests',
    'test',
    'conftest',
    'docs',
    'examples',
    'benchmarks',
    'setup',
]);
function moduleOf(path, present) {
    const parts = path.split('/');
    const file = parts.at(-1) ?? '';
    const match = MODULE_FILE.exec(file);
    const stem = match?.[1] ?? match?.[2];
    if (!stem)
        return undefined;
    const dirs = parts.slice(0, -1);
    for (let i = 0; i < dirs.length; i++) {
        if (!IDENTIFIER.test(dirs[i] ?? ''))
            return undefined; // numpy.libs/, foo-stubs/: not importable
        if (present.has([...dirs.slice(0, i + 1), '__init__.py'].join('/')))
            return dirs.slice(0, i + 1).join('.');
    }
    if (!IDENTIFIER.test(stem) || stem === '__init__')
        return undefined;
    return [...dirs, stem].join('.');
}
/**
 * The modules that prove one distribution, sorted. `files` are its RECORD paths relative to
 * python/; `exists` says whether one is still in the layer (slimming may have removed it).
 * Public names only when it has any: a private top-level module (`_cffi_backend`) is loaded by
 * the public one that needs it.
 */
function distributionModules(files, exists) {
    const present = new Set(files.filter((path) => !path.startsWith('../') &&
        !path.startsWith('/') &&
        !path.includes('/__pycache__/') &&
        !/^[^/]+\.(dist-info|data)\//.test(path) &&
        exists(path)));
    const modules = new Set();
    for (const path of present) {
        const module = moduleOf(path, present);
        if (module && !NOT_THE_DISTRIBUTIONS_CODE.has(module.split('.')[0] ?? ''))
            modules.add(module);
    }
    const all = [...modules].sort();
    const isPublic = (module) => module.split('.').every((part) => !part.startsWith('_'));
    return all.some(isPublic) ? all.filter(isPublic) : all;
}

;// CONCATENATED MODULE: ./src/layer/import-proof/index.ts
/**
 * The import proof: once the layer tree is final (slimmed, compiled), import the modules of every
 * directly required distribution with an interpreter of the target's Python on the target's CPU,
 * seeing only the layer's python/ and the standard library, the way Lambda puts /opt/python on
 * sys.path. What verify cannot see (a module a wheel forgot, a file --slim removed, a library an
 * extension cannot load, an import-time error) fails the build here instead of on Lambda.
 * Importing runs the packages' own import-time code on this machine, as Lambda would.
 */










/** Bounds the whole proof: an import that waits on the network or a lock must not hang a build. */
const PROOF_TIMEOUT_MS = 10 * 60_000;
/** The modules to import, and the direct requirements that have none. */
function modulesToProve(pythonDir, packages) {
    const installed = new Map(readInstalledDistributions(pythonDir).map((d) => [normalizeDistributionName(d.name), d]));
    const wanted = [];
    const seen = new Set();
    const withoutModules = [];
    for (const pkg of packages.filter((p) => p.requested)) {
        const dist = installed.get(normalizeDistributionName(pkg.name));
        const modules = dist ? distributionModules(dist.files, (path) => (0,external_node_fs_.existsSync)((0,external_node_path_.join)(pythonDir, path))) : [];
        if (modules.length === 0)
            withoutModules.push(pkg.name);
        // Two distributions may share a namespace package's module; importing it once proves both.
        for (const module of modules.filter((m) => !seen.has(m))) {
            seen.add(module);
            wanted.push({ distribution: pkg.name, module });
        }
    }
    return { wanted, withoutModules };
}
/**
 * Only what an interpreter needs to start and locate its own libraries: no PYTHON* variables
 * (-I ignores them anyway), no credentials, no proxies. LD_LIBRARY_PATH stays for a native
 * interpreter built with a shared libpython outside the default paths.
 */
function proofEnv(runner, scratch, env) {
    return {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: scratch,
        TMPDIR: scratch,
        LANG: 'C.UTF-8',
        ...(runner.mode === 'native' && env.LD_LIBRARY_PATH ? { LD_LIBRARY_PATH: env.LD_LIBRARY_PATH } : {}),
    };
}
function parseReport(stdout) {
    let header;
    const started = [];
    const outcomes = [];
    for (const line of stdout.split('\n')) {
        if (!line.startsWith('{'))
            continue;
        let record;
        try {
            record = JSON.parse(line);
        }
        catch {
            continue;
        }
        if (typeof record.python === 'string')
            header = record;
        else if (typeof record.start === 'string')
            started.push(record.start);
        else if (typeof record.module === 'string')
            outcomes.push(record);
    }
    return { ...(header ? { header } : {}), started, outcomes };
}
/**
 * The loader says "cannot open shared object file" for an object built for another CPU, which
 * reads like a missing file: name the CPU the named .so was built for when it is not the target's.
 */
function explainSharedObject(error, target) {
    const path = /(\/[^\s:]+\.so(?:\.[\d.]+)?)/.exec(error)?.[1];
    if (!path || !(0,external_node_fs_.existsSync)(path))
        return '';
    try {
        const bytes = (0,external_node_fs_.readFileSync)(path);
        if (!isElf(bytes))
            return ' (that file is not an ELF object)';
        const machine = parseElf(bytes).machine;
        const wanted = target.wheelArch === 'aarch64' ? EM_AARCH64 : EM_X86_64;
        return machine === wanted
            ? ''
            : ` (that file is built for ${machineName(machine)}; the target CPU is ${target.wheelArch})`;
    }
    catch {
        return '';
    }
}
/** Build-directory paths in an error as the layer paths they are: python/... */
function layerPaths(text, pythonDir) {
    return text.split(pythonDir).join('python');
}
const tail = (text, lines) => text.trim().split('\n').slice(-lines).join('\n');
function describeRunner(runner, header) {
    const version = header ? `Python ${header.python} ` : '';
    return runner.mode === 'native'
        ? `${version}(${runner.interpreter}), natively`
        : `${version}(${runner.interpreter}) under ${runner.emulator}${runner.sysroot ? ` -L ${runner.sysroot}` : ''}`;
}
/** The interpreter did not start, or is not the target's Python on the target's CPU. */
function unusableInterpreter(runner, target, problem) {
    const hint = `give a Python ${target.pythonVersion} for ${target.wheelArch} (with its sysroot under emulation), or turn the proof off with --no-import-proof / import-proof: false`;
    const message = `the import proof's interpreter ${describeRunner(runner)} ${problem}`;
    return runner.configured
        ? new errors/* InputError */.dz(PROOF_PYTHON_INPUT, message, { hint })
        : new errors/* UserError */.yo(message, { hint });
}
async function proveImports(params) {
    return (await startImportProof(params)).done;
}
/**
 * Everything before the interpreter starts (which modules, which interpreter, a scratch folder),
 * then the interpreter started: `done` settles with the report. The build starts the zip and
 * verification only then, so their synchronous work does not hold back the interpreter's spawn.
 */
async function startImportProof(params) {
    const { target, log } = params;
    const { wanted, withoutModules } = modulesToProve(params.pythonDir, params.packages);
    const extra = withoutModules.length > 0 ? { withoutModules } : {};
    if (withoutModules.length > 0) {
        log.info(`No importable module to prove in ${withoutModules.join(', ')} (data or type stubs only)`);
    }
    if (wanted.length === 0) {
        const reason = 'no directly required distribution has an importable module';
        log.info(`Import proof skipped: ${reason}`);
        return { done: Promise.resolve({ status: 'skipped', reason, modules: [], ...extra }) };
    }
    const runner = await chooseProofRunner(target, {
        python: params.python,
        sysroot: params.sysroot,
        bytecodePython: params.bytecodePython,
        env: params.env,
        log,
        ...('hostArch' in params ? { hostArch: params.hostArch } : {}),
    });
    if (runner.mode === 'skipped') {
        log.info(`Import proof skipped: ${runner.reason}`);
        return { done: Promise.resolve({ status: 'skipped', reason: runner.reason, modules: [], ...extra }) };
    }
    const scratch = await (0,promises_.mkdtemp)((0,external_node_path_.join)(params.workDir, 'import-proof-'));
    // Called now: an async function runs up to its first await, which is after the spawn.
    return { done: runImportProof(params, runner, wanted, extra, scratch) };
}
async function runImportProof(params, runner, wanted, extra, scratch) {
    const { target, log } = params;
    const started = Date.now();
    let result;
    try {
        // -I: no PYTHON* variables, no user site, no script directory on sys.path; -S: no site
        // module (Lambda reads /opt/python through PYTHONPATH, so its .pth files do not run there
        // either); -B: nothing is written into the finished tree.
        const { command, args } = runnerCommand(runner, [
            '-I',
            '-S',
            '-B',
            (0,programs/* programPath */.k)('layer/import-proof/import_proof.py'),
            params.pythonDir,
        ]);
        log.debug(`${command} ${args.join(' ')}`);
        result = await (0,src_process/* runProcess */.R)(command, args, {
            cwd: scratch,
            env: proofEnv(runner, scratch, params.env),
            timeoutMs: params.timeoutMs ?? PROOF_TIMEOUT_MS,
            input: JSON.stringify(wanted),
        }).catch((error) => {
            throw unusableInterpreter(runner, target, `does not run: ${error instanceof Error ? error.message : error}`);
        });
    }
    finally {
        await (0,promises_.rm)(scratch, { recursive: true, force: true });
    }
    const durationMs = Date.now() - started;
    const { header, started: begun, outcomes } = parseReport(result.stdout);
    if (!header) {
        throw unusableInterpreter(runner, target, `did not start (exit ${result.code ?? result.signal}):\n${tail(result.output, 15)}`);
    }
    if (header.python.split('.').slice(0, 2).join('.') !== target.pythonVersion ||
        header.machine !== target.wheelArch) {
        throw unusableInterpreter(runner, target, `is Python ${header.python} on ${header.machine}; the target is Python ${target.pythonVersion} on ${target.wheelArch}`);
    }
    const where = describeRunner(runner, header);
    const distributionOf = new Map(wanted.map((w) => [w.module, w.distribution]));
    const failed = outcomes.filter((o) => !o.ok);
    const crashed = begun.length > outcomes.length ? begun[outcomes.length] : undefined;
    if (crashed || result.timedOut || failed.length > 0) {
        for (const failure of failed) {
            log.error(`import ${failure.module} (${distributionOf.get(failure.module)}) failed:\n${failure.traceback ?? failure.error}`);
        }
        const first = failed[0];
        const problems = [
            ...(crashed
                ? [
                    `${distributionOf.get(crashed)}: import ${crashed} ${result.timedOut ? `did not finish within ${Math.round((params.timeoutMs ?? PROOF_TIMEOUT_MS) / 1000)} s` : `crashed the interpreter (${result.signal ?? `exit ${result.code}`})`}`,
                ]
                : []),
            ...failed.map((f) => `${distributionOf.get(f.module)}: import ${f.module} raised ${layerPaths(f.error ?? '', params.pythonDir)}${explainSharedObject(f.error ?? '', target)}`),
        ];
        if (crashed)
            log.error(tail(result.output, 20));
        throw new errors/* UserError */.yo(`import proof failed on ${target.runtime} ${target.wheelArch} with ${where}: ${problems.join('; ')}`, {
            hint: first && /ModuleNotFoundError/.test(first.error ?? '')
                ? 'the layer would fail the same way on Lambda: add the missing distribution to the requirements, or (with --slim) keep the file with --slim-keep; --no-import-proof / import-proof: false turns the proof off'
                : 'the layer would fail the same way on Lambda: pin a release of that distribution that imports on this runtime and CPU; --no-import-proof / import-proof: false turns the proof off',
        });
    }
    const modules = outcomes.map((o) => ({
        distribution: distributionOf.get(o.module) ?? '',
        module: o.module,
        ms: o.ms,
    }));
    const distributions = new Set(modules.map((m) => m.distribution)).size;
    log.info(`Imported ${modules.length} module(s) of ${distributions} distribution(s) with ${where} in ${(durationMs / 1000).toFixed(1)}s`);
    return {
        status: 'passed',
        mode: runner.mode,
        interpreter: { path: runner.interpreter, version: header.python, machine: header.machine },
        ...(runner.mode === 'emulated'
            ? { emulator: { path: runner.emulator, ...(runner.sysroot ? { sysroot: runner.sysroot } : {}) } }
            : {}),
        modules,
        ...extra,
        durationMs,
    };
}

;// CONCATENATED MODULE: ./src/layer/python-imports.ts
/**
 * Which modules a Python source file may import, read from its text: `import a.b`, `from a
 * import b` (b may be a submodule), relative `from ..x import y`, and string literals passed to
 * `importlib.import_module(...)` / `__import__(...)`. Imports inside functions, `try:` blocks and
 * `if TYPE_CHECKING:` count too. It errs on the side of more: a line in a docstring that reads
 * like an import counts, because the caller (slimming) keeps what is imported, and keeping a
 * file too many costs bytes while removing one too many breaks the layer. A text scan rather
 * than Python's ast: it needs no interpreter and parses any Python version's syntax.
 */
const python_imports_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DOTTED = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const DYNAMIC_IMPORT = /(?:import_module|__import__)\(\s*['"]([\w.]+)['"]/g;
/** Module name of a python/-relative file: a/b/c.py -> a.b.c, a/b/__init__.py -> a.b. */
function moduleNameOf(path) {
    const parts = path.split('/');
    const file = parts.pop() ?? '';
    const stem = /^([^.]+)(?:\.[^/]*)?\.so$|^([^.]+)\.py$/.exec(file);
    const base = stem?.[1] ?? stem?.[2];
    if (!base)
        return undefined;
    const isPackage = base === '__init__';
    const segments = isPackage ? parts : [...parts, base];
    if (segments.length === 0 || !segments.every((segment) => python_imports_IDENTIFIER.test(segment)))
        return undefined;
    return { name: segments.join('.'), isPackage };
}
/** The absolute module a relative `from` resolves to, or undefined when it climbs out. */
function resolveRelative(from, module) {
    const dots = /^\.*/.exec(from)?.[0].length ?? 0;
    if (dots === 0)
        return from;
    const packageParts = module.isPackage ? module.name.split('.') : module.name.split('.').slice(0, -1);
    if (dots - 1 >= packageParts.length)
        return undefined; // "beyond top-level package"
    const base = packageParts.slice(0, packageParts.length - (dots - 1));
    const rest = from.slice(dots);
    return [...base, ...(rest ? [rest] : [])].join('.') || undefined;
}
function names(list) {
    return list
        .replace(/[()\\]/g, ' ')
        .split(',')
        .map((part) => part.trim().split(/\s+as\s+|\s+/)[0] ?? '')
        .filter((name) => name && name !== '*');
}
/**
 * Absolute names of the modules `source` may import. For `from a import b` both `a` and `a.b`
 * (b may be a submodule or an attribute: the caller keeps the module when it exists).
 * `module` is the importing file's own module name, for relative imports.
 */
function importedModules(source, module) {
    const found = new Set();
    const add = (name) => {
        if (name && DOTTED.test(name))
            found.add(name);
    };
    const text = source.includes('\\') ? source.replace(/\\\r?\n/g, ' ') : source;
    // Find the keyword with indexOf (fast), then read the statement around it: regexes anchored
    // at every line start cost several times more on the megabytes of a numpy or pandas.
    for (let at = text.indexOf('import'); at !== -1; at = text.indexOf('import', at + 6)) {
        const after = text.charCodeAt(at + 6);
        if (after !== 32 && after !== 9 && after !== 40)
            continue; // "import " / "import\t" / "import("
        const lineStart = text.lastIndexOf('\n', at) + 1;
        const before = text.slice(lineStart, at);
        // A statement starts at the line start or after ";" / ":" (`try: import x`).
        const statement = before.slice(Math.max(before.lastIndexOf(';'), before.lastIndexOf(':')) + 1);
        const lineEnd = text.indexOf('\n', at);
        let rest = text.slice(at + 6, lineEnd === -1 ? undefined : lineEnd);
        if (rest.trimStart().startsWith('(')) {
            // `from x import (a,  # comment` NEWLINE `b)`: the names run to the closing parenthesis.
            const close = text.indexOf(')', at);
            rest = text.slice(at + 6, close === -1 ? undefined : close + 1).replace(/#[^\n]*/g, '');
        }
        else {
            rest = rest.replace(/[#;].*$/, '');
        }
        if (/^\s*$/.test(statement)) {
            for (const name of names(rest))
                add(name);
            continue;
        }
        const from = /^\s*from\s+(\.*[\w.]*)\s+$/.exec(statement);
        if (!from)
            continue;
        const base = resolveRelative(from[1] ?? '', module);
        if (!base)
            continue;
        add(base);
        for (const name of names(rest))
            add(`${base}.${name}`);
    }
    if (text.includes('import_module(') || text.includes('__import__(')) {
        for (const match of text.matchAll(DYNAMIC_IMPORT))
            add(match[1]);
    }
    return found;
}

;// CONCATENATED MODULE: ./src/layer/slim-imports.ts
/**
 * The rule that makes slimming safe: no file is removed that a kept module imports. A slim rule
 * names files by where they are (a tests/ folder, a pattern); whether the runtime loads them is
 * decided by the code that stays. numpy 2.2's numpy/testing/_private/utils.py runs `from
 * numpy._core.tests._natype import pd_NA`, which scipy.linalg reaches on import: removing
 * numpy/_core/tests/ whole breaks `import scipy.linalg`. So every removal candidate a kept
 * module imports stays, and so does what those rescued modules import in turn, and the
 * __init__.py of every package a kept module lives in.
 */



/** Every dotted prefix: a.b.c -> a, a.b, a.b.c (importing a.b.c runs a and a.b first). */
function prefixes(name) {
    const parts = name.split('.');
    return parts.map((_, i) => parts.slice(0, i + 1).join('.'));
}
/**
 * Which of `candidates` (python/-relative paths slimming would remove) some kept module imports,
 * directly or through other rescued candidates. `files` is every file in python/.
 */
function filesKeptModulesImport(pythonDir, files, candidates) {
    // Module name -> the candidate files that provide it (a.py, a/__init__.py, a.cpython-*.so).
    const candidateModules = new Map();
    for (const path of candidates) {
        const module = moduleNameOf(path);
        if (!module)
            continue;
        const providers = candidateModules.get(module.name) ?? [];
        providers.push(path);
        candidateModules.set(module.name, providers);
    }
    if (candidateModules.size === 0)
        return [];
    const rescued = new Map(); // candidate -> importer
    const queue = files.filter((path) => !candidates.has(path) && moduleNameOf(path));
    while (queue.length > 0) {
        const importer = queue.pop();
        const module = moduleNameOf(importer);
        if (!module)
            continue;
        // A module's own packages are imported before it; then whatever its source names.
        const wanted = new Set(prefixes(module.name).slice(0, module.isPackage ? undefined : -1));
        if (importer.endsWith('.py')) {
            let source = '';
            try {
                source = (0,external_node_fs_.readFileSync)((0,external_node_path_.join)(pythonDir, ...importer.split('/')), 'utf8');
            }
            catch {
                // Unreadable: nothing it imports can be known, and it cannot be imported either.
            }
            for (const name of importedModules(source, module))
                for (const prefix of prefixes(name))
                    wanted.add(prefix);
        }
        for (const name of wanted) {
            for (const provider of candidateModules.get(name) ?? []) {
                if (rescued.has(provider))
                    continue;
                rescued.set(provider, importer);
                queue.push(provider);
            }
        }
    }
    return [...rescued]
        .map(([file, importedBy]) => ({ file, importedBy }))
        .sort((a, b) => a.file.localeCompare(b.file));
}

;// CONCATENATED MODULE: ./src/layer/slim.ts
/**
 * Opt-in slimming: removes what the Lambda runtime never loads. Run it after install and
 * before bytecode, so no time is spent compiling what is about to go.
 *
 * Rules (a file goes when one applies and no `keep` pattern matches it or a directory above it):
 * - `tests`/`test` directories inside a package (python/<pkg>/.../tests). A top-level
 *   python/tests is left alone: it is a (badly named) importable package of its own.
 * - `*.pyi` type stubs: read by type checkers, never by the interpreter.
 * - python/bin/ console scripts whose shebang names the build machine's interpreter (pip writes
 *   the absolute path of the Python that ran it): that path does not exist on Lambda.
 * - user `exclude` patterns.
 * Whatever a rule names, a file a kept module imports stays (slim-imports.ts): slimming never
 * removes code the layer runs.
 * Nothing inside *.dist-info / *.egg-info is removed: importlib.metadata reads those directories
 * (entry points, versions) at run time. Their RECORD then lists files that are gone; only pip
 * reads RECORD (to uninstall), and nothing runs pip against /opt, so the mismatch is harmless.
 *
 * Patterns are relative to python/ ("python/" in front is accepted): `*` and `?` stay within a
 * path segment, `**` spans segments, `[...]` is a character class; a pattern without "/"
 * matches a file or directory name at any depth (like .gitignore), one with "/" matches from
 * python/; a trailing "/" matches directories only. Matching a directory covers everything in it.
 */




/** Compiles one glob pattern (see the module comment) into a matcher over python/-relative paths. */
function globMatcher(pattern) {
    let body = pattern
        .trim()
        .replace(/^\.\//, '')
        .replace(/^python\//, '');
    const dirOnly = body.endsWith('/');
    if (dirOnly)
        body = body.replace(/\/+$/, '');
    const anchored = body.includes('/');
    body = body.replace(/^\//, '');
    let source = '';
    for (let i = 0; i < body.length; i++) {
        const c = body[i];
        if (c === '*' && body[i + 1] === '*') {
            // "**/" = zero or more directories; a trailing "**" = anything below.
            if (body[i + 2] === '/') {
                source += '(?:[^/]+/)*';
                i += 2;
            }
            else {
                source += '.*';
                i += 1;
            }
        }
        else if (c === '*')
            source += '[^/]*';
        else if (c === '?')
            source += '[^/]';
        else if (c === '[') {
            const end = body.indexOf(']', i + 1);
            if (end === -1)
                source += '\\[';
            else {
                const inner = body
                    .slice(i + 1, end)
                    .replace(/^!/, '^')
                    .replace(/\\/g, '\\\\');
                source += `[${inner}]`;
                i = end;
            }
        }
        else
            source += c.replace(/[.+^${}()|\\]/g, '\\$&');
    }
    const regex = new RegExp(anchored ? `^${source}$` : `(?:^|/)${source}$`);
    return (path, isDir) => (!dirOnly || isDir) && regex.test(path);
}
function anyMatcher(patterns) {
    const matchers = patterns.filter((p) => p.trim()).map(globMatcher);
    return (path, isDir) => matchers.some((m) => m(path, isDir));
}
/** True when `path` (python/-relative) or one of its directories matches. */
function matchesSelfOrAncestor(match, path, isDir) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
        if (match(parts.slice(0, i).join('/'), true))
            return true;
    }
    return match(path, isDir);
}
const slim_METADATA_DIR = /\.(dist-info|egg-info)$/;
/** Why a slim rule removes this python/-relative file, or undefined. */
function slimRule(path) {
    if (isInPackageTests(path))
        return 'tests';
    if (path.endsWith('.pyi'))
        return 'stub';
    return undefined;
}
/**
 * pip writes console scripts with `#!/abs/path/to/python3.x` (or, for long paths, a
 * `#!/bin/sh` + `'''exec' "/abs/path/python"` trampoline) naming the build machine's
 * interpreter. `#!/usr/bin/env python3` or Lambda's own /var/lang/bin/python are portable.
 */
function hasBuildMachineShebang(head) {
    const [first = '', second = ''] = head.split('\n');
    if (!first.startsWith('#!'))
        return false;
    const [interpreter = ''] = first.slice(2).trim().split(/\s+/);
    if (interpreter === '/bin/sh' && second.startsWith("'''exec'"))
        return true;
    const base = interpreter.slice(interpreter.lastIndexOf('/') + 1);
    if (!interpreter.startsWith('/') || !/^python/.test(base))
        return false;
    return !interpreter.startsWith('/var/lang/');
}
async function readHeadText(path) {
    const handle = await (0,promises_.open)(path, 'r');
    try {
        const buffer = Buffer.alloc(512);
        const { bytesRead } = await handle.read(buffer, 0, 512, 0);
        return buffer.toString('latin1', 0, bytesRead);
    }
    finally {
        await handle.close();
    }
}
async function slim_listFiles(pythonDir) {
    const files = [];
    const dirs = [];
    async function walk(dir, prefix) {
        for (const entry of await (0,promises_.readdir)(dir, { withFileTypes: true })) {
            const path = `${prefix}${entry.name}`;
            if (entry.isDirectory()) {
                dirs.push(path);
                await walk((0,external_node_path_.join)(dir, entry.name), `${path}/`);
            }
            else {
                files.push({ path, size: entry.isFile() ? (await (0,promises_.stat)((0,external_node_path_.join)(dir, entry.name))).size : 0 });
            }
        }
    }
    await walk(pythonDir, '');
    return { files, dirs };
}
/**
 * The report lists directories whose every file went as one "python/<dir>/" entry (the tests
 * directories of numpy and pandas alone hold thousands of files), other files one by one.
 */
function compactRemoved(removed, files, dirs) {
    const remaining = new Map(); // dir -> files in it (recursively) not removed
    const total = new Map();
    for (const file of files) {
        const parts = file.path.split('/');
        for (let i = 1; i < parts.length; i++) {
            const dir = parts.slice(0, i).join('/');
            total.set(dir, (total.get(dir) ?? 0) + 1);
            if (!removed.has(file.path))
                remaining.set(dir, (remaining.get(dir) ?? 0) + 1);
        }
    }
    const fullyRemoved = new Set(dirs.filter((d) => (total.get(d) ?? 0) > 0 && !remaining.has(d)));
    const covered = (path) => {
        const parts = path.split('/');
        for (let i = 1; i < parts.length; i++) {
            const dir = parts.slice(0, i).join('/');
            if (fullyRemoved.has(dir))
                return dir;
        }
        return undefined;
    };
    const listed = new Set();
    for (const path of removed) {
        const dir = covered(path);
        listed.add(dir ? `python/${dir}/` : `python/${path}`);
    }
    return [...listed].sort();
}
/**
 * Removes directories emptied by the removal, deepest first. Only directories that held a
 * removed file are candidates: an empty directory that was there before may be a namespace
 * package (PEP 420) someone imports.
 */
async function pruneEmptyDirs(pythonDir, removed) {
    const dirs = new Set();
    for (const path of removed) {
        const parts = path.split('/');
        for (let i = 1; i < parts.length; i++)
            dirs.add(parts.slice(0, i).join('/'));
    }
    const deepestFirst = [...dirs].sort((a, b) => b.split('/').length - a.split('/').length);
    for (const dir of deepestFirst) {
        await (0,promises_.rmdir)((0,external_node_path_.join)(pythonDir, ...dir.split('/'))).catch(() => undefined); // fails unless empty
    }
}
async function slimTree(pythonDir, options, log) {
    const exclude = anyMatcher(options.exclude);
    const keep = anyMatcher(options.keep);
    const { files, dirs } = await slim_listFiles(pythonDir);
    const candidates = new Map();
    for (const file of files) {
        const parts = file.path.split('/');
        if (parts.slice(0, -1).some((dir) => slim_METADATA_DIR.test(dir)))
            continue;
        if (matchesSelfOrAncestor(keep, file.path, false))
            continue;
        let reason = slimRule(file.path);
        if (!reason && parts.length === 2 && parts[0] === 'bin') {
            const head = await readHeadText((0,external_node_path_.join)(pythonDir, ...parts));
            if (hasBuildMachineShebang(head))
                reason = 'script';
        }
        if (!reason && matchesSelfOrAncestor(exclude, file.path, false))
            reason = 'exclude';
        if (reason)
            candidates.set(file.path, { size: file.size, reason });
    }
    const keptForImports = filesKeptModulesImport(pythonDir, files.map((file) => file.path), new Set(candidates.keys()));
    for (const kept of keptForImports)
        candidates.delete(kept.file);
    const removed = new Set();
    let bytesSaved = 0;
    const byReason = new Map();
    for (const [path, { size, reason }] of candidates) {
        await (0,promises_.rm)((0,external_node_path_.join)(pythonDir, ...path.split('/')), { force: true });
        removed.add(path);
        bytesSaved += size;
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
    await pruneEmptyDirs(pythonDir, removed);
    const summary = [...byReason].map(([reason, count]) => `${count} ${reason}`).join(', ');
    log.info(`Slim: removed ${removed.size} files (${summary || 'nothing matched'}), saving ${(bytesSaved / 1024 / 1024).toFixed(1)} MiB`);
    if (keptForImports.length > 0) {
        const shown = keptForImports
            .slice(0, 5)
            .map((k) => `python/${k.file} (imported by python/${k.importedBy})`)
            .join(', ');
        const more = keptForImports.length > 5 ? `, ... (${keptForImports.length - 5} more in the manifest)` : '';
        log.info(`Slim: kept ${keptForImports.length} file(s) that kept modules import: ${shown}${more}`);
    }
    return {
        removedFiles: compactRemoved(removed, files, dirs),
        bytesSaved,
        removedFileCount: removed.size,
        ...(keptForImports.length > 0
            ? {
                keptForImports: keptForImports.map((k) => ({
                    file: `python/${k.file}`,
                    importedBy: `python/${k.importedBy}`,
                })),
            }
            : {}),
    };
}

;// CONCATENATED MODULE: ./src/layer/staging.ts
/**
 * Where a build stages its layer tree (pip's downloads and other scratch files stay in the
 * system temp folder). The tree is thousands of small files
 * written once, read by the stages and deleted within seconds: on Linux a RAM file system
 * (/dev/shm) does that at memory speed. On a disk it costs more, and on some file systems much
 * more: on ext4 without a journal, creating a file scans past every inode freed in the last
 * minutes (ext4's recently_deleted()), so a build that follows another one's cleanup took
 * 10-13 s instead of 7 s on the data workload (README, "Speed").
 *
 * RAM is used only when it is plentiful: a tmpfs with STAGING_RAM_MIN_FREE_BYTES free, many
 * times what a Lambda layer may hold unzipped, so a layer too large for Lambda still gets as far
 * as the size check that says so. TMPDIR, when set, is the user's choice and always wins.
 */



/** statfs(2) f_type of tmpfs (linux/magic.h). */
const TMPFS_MAGIC = 0x01021994;
/** 2 GiB: eight times Lambda's 250 MB unzipped limit (src/target.ts). */
const STAGING_RAM_MIN_FREE_BYTES = 2 * 1024 ** 3;
/** Linux's RAM-backed folder for shared memory, a tmpfs on every mainstream distribution. */
const RAM_STAGING_DIR = '/dev/shm';
/**
 * The options of the mount holding `dir` (the longest mount point above it; the last such line
 * when mounts are stacked), from a /proc/self/mounts text; undefined when none matches.
 */
function mountOptionsOf(dir, mounts) {
    let best;
    for (const line of mounts.split('\n')) {
        const [, rawPoint, , options] = line.split(' ');
        if (!rawPoint || !options)
            continue;
        // The kernel writes space, tab, newline and backslash in octal escapes.
        const point = rawPoint.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(Number.parseInt(octal, 8)));
        const inside = point === '/' || dir === point || dir.startsWith(`${point}/`);
        if (inside && (!best || point.length >= best.point.length))
            best = { point, options: options.split(',') };
    }
    return best?.options;
}
/** Where to stage the tree: the RAM folder when allowed and roomy, else the temp folder. */
async function chooseStagingRoot(options) {
    const disk = (reason) => ({ reason });
    if (options.env.TMPDIR)
        return disk('TMPDIR is set');
    if ((options.platform ?? process.platform) !== 'linux')
        return disk('no RAM file system here');
    const ramDir = options.ramDir ?? RAM_STAGING_DIR;
    const minFree = options.minFreeBytes ?? STAGING_RAM_MIN_FREE_BYTES;
    try {
        const stats = await (0,promises_.statfs)(ramDir);
        if (stats.type !== TMPFS_MAGIC)
            return disk(`${ramDir} is not a tmpfs`);
        const free = stats.bavail * stats.bsize;
        if (free < minFree)
            return disk(`${ramDir} has ${free} bytes free, under ${minFree}`);
        await (0,promises_.access)(ramDir, external_node_fs_.constants.W_OK | external_node_fs_.constants.X_OK);
        // The import proof loads the layer's extension modules from the tree: mmap with PROT_EXEC,
        // which a noexec mount refuses (hardened hosts mount /dev/shm so).
        const mounts = options.mounts ?? (await (0,promises_.readFile)('/proc/self/mounts', 'utf8'));
        if (mountOptionsOf(ramDir, mounts)?.includes('noexec'))
            return disk(`${ramDir} is mounted noexec`);
    }
    catch {
        return disk(`${ramDir} is missing or not writable`);
    }
    return { ramRoot: ramDir, reason: `${ramDir} is a tmpfs with room` };
}
/** A RAM folder with less than this free is taken to be the one that filled up. */
const NEARLY_FULL_BYTES = 64 * 1024 ** 2;
/**
 * A full RAM folder is the build's own choice, not the user's disk: say so, and how to stage on
 * a disk instead. Other errors pass through. An error without a path (a write through an open
 * file) is the staging's when the RAM folder is nearly full now.
 */
async function explainStagingFull(error, staging, stagingDir) {
    const e = error;
    if (!staging.ramRoot || e?.code !== 'ENOSPC')
        return error;
    if (typeof e.path === 'string') {
        if (!e.path.startsWith(stagingDir))
            return error;
    }
    else {
        const stats = await (0,promises_.statfs)(staging.ramRoot).catch(() => undefined);
        if (!stats || stats.bavail * stats.bsize >= NEARLY_FULL_BYTES)
            return error;
    }
    return new errors/* UserError */.yo(`the build's temporary folder ${stagingDir} ran out of space: ${staging.ramRoot} is RAM (a tmpfs) and is full`, { hint: 'set TMPDIR to a folder on a disk with room for the unpacked packages, and build again' });
}

;// CONCATENATED MODULE: ./src/layer/wheel-deflated.ts
/**
 * The deflated bytes of a wheel's pycs, kept beside them in its per-wheel bytecode entry
 * (./wheel-bytecode.ts), so a rebuild after one pin changes deflates only the changed wheels'
 * pycs: the others are copied into layer.zip as they were compressed before, as the wheels' own
 * files are (zip/writer.ts `compressed`). Deflating the pycs is most of the zip writer's CPU
 * (53 MB of pycs in the data benchmark's layer).
 *
 * The bytes are taken from a finished layer.zip, so they are exactly what the writer produces
 * for that pyc (deflated, or stored when deflate does not shrink it). They are a function of the
 * pyc, the zlib level and the zlib build (Node bundles its own): an entry records both and is
 * used only by the same ones. Files: <entry>/deflated.bin (the bytes, one pyc after another) and
 * <entry>/deflated.json ({ zlib, level, sha256 of deflated.bin, pycs: { "<pyc path>":
 * [offset, compressedSize, method, crc32, size] } }). A file that does not parse or match its
 * sha256 is removed (the pycs themselves stay usable) and written again after the next zip.
 */






/** `pkg/__pycache__/mod.cpython-311.pyc` -> `pkg/mod.py`. */
function sourceOf(pyc) {
    const match = /^(.*?)__pycache__\/([^/]+?)\.[^./]+\.pyc$/.exec(pyc);
    return match ? `${match[1]}${match[2]}.py` : pyc;
}
/** The entry's deflated bytes, when present, intact and made by this zlib at this level. */
async function readDeflated(entry) {
    const text = await (0,promises_.readFile)((0,external_node_path_.join)(entry, 'deflated.json'), 'utf8').catch(() => undefined);
    if (text === undefined)
        return undefined;
    try {
        const index = JSON.parse(text);
        if (index.zlib !== process.versions.zlib || index.level !== DEFAULT_ZIP_LEVEL)
            return undefined;
        if (sha256(await (0,promises_.readFile)((0,external_node_path_.join)(entry, 'deflated.bin'))) === index.sha256)
            return index;
    }
    catch {
        // Damaged: removed below.
    }
    await (0,promises_.rm)((0,external_node_path_.join)(entry, 'deflated.json'), { force: true });
    await (0,promises_.rm)((0,external_node_path_.join)(entry, 'deflated.bin'), { force: true });
    return undefined;
}
/**
 * The cached deflated pycs of every wheel in `owners` (python/-relative path -> wheel sha256)
 * whose bytecode entry has them; the rest are stored from the zip by storeMisses.
 */
async function loadDeflatedPycs(bytecodeDir, owners, pythonVersion) {
    const sources = new Map();
    const misses = [];
    for (const wheel of new Set(owners.values())) {
        const entry = (0,external_node_path_.join)(bytecodeDir, wheelBytecodeKey(wheel, pythonVersion, 'unchecked-hash'));
        const index = await readBytecodeIndex(entry);
        if (!index)
            continue; // no bytecode entry: nothing to add to
        const pycs = Object.keys(index.pycs);
        const deflated = await readDeflated(entry);
        if (!deflated) {
            misses.push({ entry, pycs });
            continue;
        }
        const file = (0,external_node_path_.join)(entry, 'deflated.bin');
        for (const pyc of pycs) {
            const placed = deflated.pycs[pyc];
            // Only pycs of sources this wheel's copy provides (a later wheel may have replaced one).
            if (!placed || owners.get(sourceOf(pyc)) !== wheel)
                continue;
            const [dataStart, compressedSize, method, crc32, size] = placed;
            sources.set(`python/${pyc}`, { file, dataStart, compressedSize, method, crc32, size });
        }
    }
    return {
        sources,
        storeMisses: async (zipPath) => {
            if (misses.length === 0)
                return;
            await (0,reader/* withZipArchive */.gw)(zipPath, async (archive) => {
                const byName = new Map(archive.entries.map((e) => [e.name, e]));
                const fd = (0,external_node_fs_.openSync)(zipPath, 'r');
                try {
                    for (const { entry, pycs } of misses) {
                        const chunks = [];
                        const placed = {};
                        let offset = 0;
                        for (const pyc of pycs) {
                            const zipped = byName.get(`python/${pyc}`);
                            if (!zipped || zipped.size === 0)
                                continue;
                            const bytes = Buffer.allocUnsafe(zipped.compressedSize);
                            const at = await archive.dataStart(zipped);
                            if ((0,external_node_fs_.readSync)(fd, bytes, 0, bytes.length, at) !== bytes.length)
                                throw new Error(`${zipPath} is short`);
                            chunks.push(bytes);
                            placed[pyc] = [offset, zipped.compressedSize, zipped.method, zipped.crc32, zipped.size];
                            offset += bytes.length;
                        }
                        const data = Buffer.concat(chunks);
                        const index = {
                            zlib: process.versions.zlib ?? '',
                            level: DEFAULT_ZIP_LEVEL,
                            sha256: sha256(data),
                            pycs: placed,
                        };
                        // The .bin first, the .json naming it last: a reader sees both or neither.
                        await (0,promises_.writeFile)((0,external_node_path_.join)(entry, 'deflated.bin.partial'), data);
                        await (0,promises_.rename)((0,external_node_path_.join)(entry, 'deflated.bin.partial'), (0,external_node_path_.join)(entry, 'deflated.bin'));
                        await (0,promises_.writeFile)((0,external_node_path_.join)(entry, 'deflated.json.partial'), JSON.stringify(index));
                        await (0,promises_.rename)((0,external_node_path_.join)(entry, 'deflated.json.partial'), (0,external_node_path_.join)(entry, 'deflated.json'));
                    }
                }
                finally {
                    (0,external_node_fs_.closeSync)(fd);
                }
            });
        },
    };
}

;// CONCATENATED MODULE: ./src/layer/wheel-elf-facts.ts
/**
 * Per-wheel cache of verification facts: the parsed ELF headers of the binaries a wheel put in
 * the layer (architecture, needed libraries, GLIBC/GLIBCXX version needs, soname). They are a
 * function of the wheel's bytes alone, so they are keyed by its sha256; the findings are derived
 * from them on every build (verify/rules.ts), for the target and the whole layer. A rebuild after
 * one pin changes reads and parses only the changed wheels' binaries.
 *
 * Entry: <dir>/<key>/elf.json = { sha256, facts: { "<path under python/>": ElfInfo } }, sha256
 * over the JSON text of `facts`; an entry that does not parse or whose sha256 does not match is a
 * miss, stored again after verifying.
 */




/** Bump when ElfInfo or what the entry holds changes. */
const wheel_elf_facts_FORMAT = 1;
function wheelElfKey(wheelSha256) {
    return (0,external_node_crypto_.createHash)('sha256')
        .update(JSON.stringify({ format: wheel_elf_facts_FORMAT, wheel: wheelSha256, facts: 'elf' }))
        .digest('hex');
}
function digest(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}
/** The facts of one wheel's entry (paths under python/), or undefined (no entry, or damaged). */
async function readElfFacts(dir, key) {
    const text = await (0,promises_.readFile)((0,external_node_path_.join)(dir, key, 'elf.json'), 'utf8').catch(() => undefined);
    if (text === undefined)
        return undefined;
    try {
        const entry = JSON.parse(text);
        if (entry.facts &&
            typeof entry.facts === 'object' &&
            entry.sha256 === digest(JSON.stringify(entry.facts))) {
            await markEntryUsed((0,external_node_path_.join)(dir, key, 'elf.json'));
            return entry.facts;
        }
    }
    catch {
        // Damaged: removed below and stored again after verifying.
    }
    await (0,promises_.rm)((0,external_node_path_.join)(dir, key), { recursive: true, force: true });
    return undefined;
}
async function writeElfFacts(dir, key, facts) {
    await writeEntryFolder(dir, key, async (partial) => {
        const text = JSON.stringify(facts);
        await (0,promises_.writeFile)((0,external_node_path_.join)(partial, 'elf.json'), JSON.stringify({ sha256: digest(text), facts: JSON.parse(text) }));
    });
}
/**
 * The known facts for the layer (by python/... path) from the wheels' entries, and a function
 * that stores the facts of the wheels that missed once verification has learned them.
 */
async function loadElfFacts(dir, owners) {
    const wheels = new Set(owners.values());
    const known = new Map();
    const missed = new Set();
    for (const wheel of wheels) {
        const facts = await readElfFacts(dir, wheelElfKey(wheel));
        if (!facts) {
            missed.add(wheel);
            continue;
        }
        // Only files this wheel's copy still provides (a later wheel may have overwritten one).
        for (const [path, elf] of Object.entries(facts))
            if (owners.get(path) === wheel)
                known.set(`python/${path}`, elf);
    }
    const learned = new Map();
    return {
        known,
        learned,
        hits: wheels.size - missed.size,
        wheels: wheels.size,
        storeMisses: async () => {
            const byWheel = new Map([...missed].map((w) => [w, {}]));
            for (const [layerPath, elf] of learned) {
                const path = layerPath.slice('python/'.length);
                const facts = byWheel.get(owners.get(path) ?? '');
                if (facts)
                    facts[path] = elf;
            }
            for (const [wheel, facts] of byWheel)
                await writeElfFacts(dir, wheelElfKey(wheel), facts);
        },
    };
}

;// CONCATENATED MODULE: ./src/layer/index.ts
/**
 * The layer build: requirements snapshot -> stages over a temp staging dir -> layer.zip and
 * manifest.json in outDir. Each stage is one entry in STAGES; outDir only ever receives
 * complete files (written under a temp name inside it, renamed at the end).
 */
























const LAYER_ZIP = 'layer.zip';
const MANIFEST_JSON = 'manifest.json';
const install = {
    title: 'Install requirements',
    async run(state) {
        const { options, context, log } = state;
        // The bytecode and import-proof stages need an interpreter of the target's version: probing
        // it (a pyenv shim takes ~0.1 s to start) overlaps pip's run, and the probe is remembered.
        // A failure here is not reported: the stage that needs it looks again and says why.
        if (options.bytecode || options.importProof !== false) {
            (0,interpreters/* findInterpreter */.A)(options.target.pythonVersion, options.bytecodePython, { env: context.env }).catch(() => undefined);
        }
        const python = await (0,interpreters/* findPipPython */.f)(options.python, { log, env: context.env });
        const pip = await (0,pinned_pip/* ensurePinnedPip */.C)({
            python,
            toolCacheDir: context.toolCacheDir ?? defaultCacheDir(context.env),
            indexFlags: indexFlags(options),
            log,
            env: context.env,
        });
        state.resolver = { pip: pip.version, markerEnvironment: (0,src_target/* markerEnvironment */.wp)(options.target) };
        const projectDir = options.projectDir ?? process.cwd();
        // A lock or pyproject.toml is installed from the requirement lines generated from it.
        state.snapshot = await materializeInput(state.snapshot, (0,external_node_path_.join)(state.workDir, 'input'));
        // Nothing changes the tree between install and bytecode without --slim: compile as it unpacks.
        const early = options.bytecode && options.slim === undefined
            ? startEarlyBytecode({
                target: options.target,
                interpreter: options.bytecodePython,
                pythonDir: state.pythonDir,
                ...(context.wheelCacheDir
                    ? { bytecodeCacheDir: (0,external_node_path_.join)(context.wheelCacheDir, WHEEL_ENTRY_FOLDERS.bytecode) }
                    : {}),
                env: context.env,
                log,
            })
            : undefined;
        state.packages = await installRequirements({
            projectDir,
            pip,
            snapshot: state.snapshot,
            target: options.target,
            pythonDir: state.pythonDir,
            workDir: state.workDir,
            indexUrl: options.indexUrl,
            extraIndexUrls: options.extraIndexUrls,
            findLinks: options.findLinks,
            log,
            env: context.env,
            timeoutMs: context.pipTimeoutMs,
            sdist: options.sdist,
            onWheelFiles: (sources) => {
                state.wheelFiles = sources;
            },
            ...(early ? { onWheelWritten: early.onWheelWritten } : {}),
        }).catch(async (error) => {
            await early?.abandon();
            throw error;
        });
        state.earlyBytecode = await early?.handOver();
        log.info(`Installed ${state.packages.length} distributions for ${options.target.runtime} ${options.target.architecture}`);
    },
};
const slim = {
    title: 'Slim the layer',
    enabled: (options) => options.slim !== undefined,
    async run(state) {
        if (!state.options.slim)
            return;
        state.slim = await slimTree(state.pythonDir, state.options.slim, state.log);
    },
};
/**
 * For each file a wheel put in the layer (path under python/), the sha256 of that wheel: what
 * the per-wheel caches are keyed by. Computed once per build.
 */
async function wheelOwners(state) {
    if (!state.wheelFiles)
        return undefined;
    if (state.wheelOwners)
        return state.wheelOwners;
    const owners = new Map();
    for (const [path, source] of state.wheelFiles)
        owners.set(path, await wheelDigest(source.file));
    state.wheelOwners = owners;
    return owners;
}
const bytecode = {
    title: 'Compile bytecode for the target Python',
    async run(state) {
        if (!state.options.bytecode) {
            state.bytecode = {
                mode: 'none',
                compiled: 0,
                removed: 0,
                reason: 'turned off (--no-bytecode / bytecode: false)',
            };
            return;
        }
        const { wheelCacheDir } = state.context;
        const owners = wheelCacheDir ? await wheelOwners(state) : undefined;
        state.bytecode = await compileBytecode(state.pythonDir, state.options.target, {
            interpreter: state.options.bytecodePython,
            env: state.context.env,
            ...(wheelCacheDir && owners
                ? { wheelCache: { dir: (0,external_node_path_.join)(wheelCacheDir, WHEEL_ENTRY_FOLDERS.bytecode), owners } }
                : {}),
            ...(state.earlyBytecode ? { early: state.earlyBytecode } : {}),
        }, state.log);
    },
};
/**
 * Starts importing what was asked for on the target's CPU, in the final tree (slimmed,
 * compiled); `done` gives the report. A layer that cannot import never leaves the temp output
 * folder.
 */
async function startProofOf(state) {
    const { options, context, log } = state;
    if (options.importProof === false) {
        return {
            done: Promise.resolve({
                status: 'off',
                reason: 'turned off (--no-import-proof / import-proof: false)',
                modules: [],
            }),
        };
    }
    return startImportProof({
        pythonDir: state.pythonDir,
        workDir: state.workDir,
        packages: state.packages,
        target: options.target,
        python: options.importProofPython,
        sysroot: options.importProofSysroot,
        bytecodePython: options.bytecodePython,
        env: context.env ?? process.env,
        log,
        ...(context.hostArch ? { hostArch: context.hostArch } : {}),
    });
}
/** Package sizes as shipped: after slimming removed files and bytecode added some. */
const measure = {
    title: 'Measure packages',
    enabled: (options) => options.bytecode || options.slim !== undefined,
    async run(state) {
        state.packages = await measurePackages(state.pythonDir, state.packages);
    },
};
/** Wheel file sources by their layer zip name (python/...). */
function layerNames(sources) {
    return sources && new Map([...sources].map(([path, source]) => [`python/${path}`, source]));
}
/** `work`, with how long it took since `started` in the debug log (they run side by side). */
async function timed(what, log, work, started = performance.now()) {
    try {
        return await work;
    }
    finally {
        log.debug(`${what}: ${Math.round(performance.now() - started)} ms`);
    }
}
/**
 * The tree no longer changes: the import proof, verification and the zip writer read it at once
 * (the proof is one interpreter on one core, verification mostly I/O, the zip writer deflates
 * on the threadpool). Every binary must load on the target and the direct requirements must
 * import: a layer that would fail on Lambda fails here instead, and its zip, still in the temp
 * output folder, is discarded. The proof's failure is reported first, then verification's.
 */
const proveVerifyArchive = {
    title: 'Import on the target CPU, verify binaries, layout and size; write layer.zip',
    async run(state) {
        const { target } = state.options;
        const { wheelCacheDir } = state.context;
        const owners = wheelCacheDir ? await wheelOwners(state) : undefined;
        const facts = wheelCacheDir && owners
            ? await loadElfFacts((0,external_node_path_.join)(wheelCacheDir, WHEEL_ENTRY_FOLDERS.elf), owners)
            : undefined;
        const pythonVersion = state.bytecode.interpreter?.version;
        const deflated = wheelCacheDir && owners && state.bytecode.mode === 'unchecked-hash' && pythonVersion
            ? await loadDeflatedPycs((0,external_node_path_.join)(wheelCacheDir, WHEEL_ENTRY_FOLDERS.bytecode), owners, pythonVersion)
            : undefined;
        const zipPath = (0,external_node_path_.join)(state.outputDir, LAYER_ZIP);
        // The proof's interpreter is running before the zip writer's and verification's synchronous
        // work begins (listing and reading thousands of files would hold back its spawn).
        const proofStarted = performance.now();
        const proving = await startProofOf(state);
        const [proof, verified, archived] = await Promise.allSettled([
            timed('import proof', state.log, proving.done, proofStarted),
            timed('verification', state.log, verifyLayerTree(state.layerDir, target, facts ? { elfFacts: facts } : {})),
            timed('layer.zip', state.log, writeLayerZip(state.layerDir, zipPath, {
                compressed: new Map([...(layerNames(state.wheelFiles) ?? []), ...(deflated?.sources ?? [])]),
            })),
        ]);
        if (proof.status === 'rejected')
            throw proof.reason;
        state.importProof = proof.value;
        if (verified.status === 'rejected')
            throw verified.reason;
        const report = verified.value;
        if (facts) {
            await facts.storeMisses();
            state.log.info(`ELF headers of ${facts.known.size} binaries from the per-wheel cache (${facts.hits} of ${facts.wheels} wheels); ${facts.learned.size} read`);
        }
        for (const warning of report.warnings)
            state.log.warn(warning);
        const error = verificationError(report, target);
        if (error)
            throw error;
        state.log.info(`Verified ${(0,src_report/* countOf */.pq)(report.checkedBinaries, 'binary', 'binaries')} for ${target.runtime} ${target.architecture}`);
        if (archived.status === 'rejected')
            throw archived.reason;
        const archive = archived.value;
        if (deflated) {
            state.log.info(`Deflated bytes of ${deflated.sources.size} pycs copied from the per-wheel cache`);
            // The layer is built: a cache that cannot be written only costs the next build time.
            await deflated
                .storeMisses(zipPath)
                .catch((error) => state.log.warn(`Per-wheel cache: deflated pycs not stored (${error instanceof Error ? error.message : String(error)})`));
        }
        state.archive = archive;
        state.log.info(`layer.zip: ${archive.fileCount} files, ${archive.zipSize} bytes (sha256 ${archive.sha256})`);
        state.verification = report;
        if (archive.zipSize > src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes) {
            // Not an error: publishing goes through S3 above this size.
            const warning = `layer.zip is ${archive.zipSize} bytes, over the ${src_target/* LAMBDA_LIMITS */.FZ.directUploadZipBytes}-byte direct-upload limit: publishing will upload it through S3`;
            state.log.warn(warning);
            state.verification = { ...report, zipSize: archive.zipSize, warnings: [...report.warnings, warning] };
        }
    },
};
/** The build, in order. Adding a stage is one line here. */
const STAGES = [install, slim, bytecode, measure, proveVerifyArchive];
const NO_BYTECODE = {
    mode: 'none',
    compiled: 0,
    removed: 0,
    reason: 'the bytecode stage did not run',
};
/** What readBuildInput needs from the build options. */
function inputParams(options) {
    return {
        target: options.target,
        sdist: options.sdist,
        choices: { extras: options.extras ?? [], groups: options.groups ?? [] },
        ...(options.inputFallbackDir ? { fallbackDir: options.inputFallbackDir } : {}),
    };
}
/** The input file as the manifest records it: relative to the project directory, with / separators. */
function describeInput(snapshot, options) {
    const file = snapshot.input?.file ?? snapshot.file;
    const shown = (0,external_node_path_.relative)(options.projectDir ?? process.cwd(), file);
    const portable = shown.startsWith('..') || (0,external_node_path_.isAbsolute)(shown) ? (0,external_node_path_.basename)(file) : shown;
    return { file: portable.split(external_node_path_.sep).join('/'), format: snapshot.input?.format ?? 'requirements' };
}
/** Builds the layer described by `options` into options.outDir (layer.zip, manifest.json). */
async function buildLayer(options, log, context = {}) {
    const snapshot = context.snapshot ?? (await readBuildInput(options.requirementsFile, inputParams(options), log));
    const outDir = (0,external_node_path_.resolve)(options.outDir);
    const staging = await chooseStagingRoot({ env: context.env ?? process.env });
    const stagingDir = await (0,promises_.mkdtemp)((0,external_node_path_.join)((0,external_node_os_.tmpdir)(), 'lambda-layer-build-'));
    const ramDir = staging.ramRoot && (await (0,promises_.mkdtemp)((0,external_node_path_.join)(staging.ramRoot, 'lambda-layer-tree-')));
    const layerDir = (0,external_node_path_.join)(ramDir || stagingDir, 'layer');
    log.debug(`Staging the layer tree in ${layerDir} (${staging.reason})`);
    const outDirExisted = (0,external_node_fs_.existsSync)(outDir);
    // A signal skips the finally below: src/interrupt.ts removes these instead (newest first).
    const forget = [
        (0,interrupt/* removeOnInterrupt */.vY)(stagingDir),
        ...(ramDir ? [(0,interrupt/* removeOnInterrupt */.vY)(ramDir)] : []),
        ...(outDirExisted ? [] : [(0,interrupt/* removeOnInterrupt */.vY)(outDir, 'empty-dir')]),
    ];
    let outputDir;
    let succeeded = false;
    try {
        const pythonDir = (0,external_node_path_.join)(layerDir, 'python');
        const workDir = (0,external_node_path_.join)(stagingDir, 'work');
        await (0,promises_.mkdir)(pythonDir, { recursive: true });
        await (0,promises_.mkdir)(workDir, { recursive: true });
        await (0,promises_.mkdir)(outDir, { recursive: true });
        outputDir = await (0,promises_.mkdtemp)((0,external_node_path_.join)(outDir, '.lambda-layer-tmp-'));
        forget.push((0,interrupt/* removeOnInterrupt */.vY)(outputDir));
        const state = {
            options,
            context,
            log,
            snapshot,
            layerDir,
            pythonDir,
            workDir,
            outputDir,
            packages: [],
            bytecode: NO_BYTECODE,
        };
        for (const stage of STAGES) {
            if (stage.enabled?.(options) === false)
                continue;
            await log.group(stage.title, () => stage.run(state));
        }
        if (!state.archive)
            throw new Error('the build finished without an archive stage');
        const manifest = assembleManifest({
            target: options.target,
            requirementsHash: snapshot.requirementsHash,
            input: describeInput(snapshot, options),
            packages: state.packages,
            resolver: state.resolver,
            layer: state.archive,
            bytecode: state.bytecode,
            verification: state.verification,
            slim: state.slim,
            importProof: state.importProof,
        });
        await writeManifest(manifest, (0,external_node_path_.join)(outputDir, MANIFEST_JSON));
        const zipPath = (0,external_node_path_.join)(outDir, LAYER_ZIP);
        const manifestPath = (0,external_node_path_.join)(outDir, MANIFEST_JSON);
        await (0,promises_.rename)((0,external_node_path_.join)(outputDir, LAYER_ZIP), zipPath);
        await (0,promises_.rename)((0,external_node_path_.join)(outputDir, MANIFEST_JSON), manifestPath);
        succeeded = true;
        return { manifest, zipPath, manifestPath, ...(context.keepStaging ? { stagingDir, layerDir } : {}) };
    }
    catch (error) {
        throw ramDir ? await explainStagingFull(error, staging, ramDir) : error;
    }
    finally {
        if (outputDir)
            await (0,promises_.rm)(outputDir, { recursive: true, force: true });
        // A failed build leaves outDir as it was: remove it again when this build created it.
        if (!succeeded && !outDirExisted)
            await (0,promises_.rmdir)(outDir).catch(() => undefined);
        if (!context.keepStaging) {
            await (0,promises_.rm)(stagingDir, { recursive: true, force: true });
            if (ramDir)
                await (0,promises_.rm)(ramDir, { recursive: true, force: true });
        }
        for (const done of forget)
            done();
    }
}

;// CONCATENATED MODULE: ./src/resolve/find-links.ts
/**
 * A --find-links location on this machine that does not exist: pip only logs "Location ... is
 * ignored" and goes on without it, so the wheels the user meant to add are silently missing.
 * Checked before pip runs; URLs (http, https) are left to pip and the diagnosis.
 */



const isRemote = (link) => /^[a-z][a-z0-9+.-]*:/i.test(link) && !link.startsWith('file:');
/** Throws an InputError naming the first local find-links location that does not exist. */
function checkFindLinks(links) {
    for (const link of links) {
        if (isRemote(link))
            continue;
        let path;
        try {
            path = link.startsWith('file:') ? (0,external_node_url_.fileURLToPath)(link) : link;
        }
        catch {
            throw new errors/* InputError */.dz('find-links', `${link} is not a valid file: URL`, {
                hint: 'pass a folder path or a file:///absolute/path URL',
            });
        }
        if (!(0,external_node_fs_.existsSync)(path)) {
            throw new errors/* InputError */.dz('find-links', `${path} does not exist`, {
                hint: 'pass an existing folder of wheels (relative paths start at the working directory; in the action, at the workspace)',
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/resolve/local-sources.ts
/**
 * What a requirements file points at besides the package index: local project paths, local
 * archives and direct URLs. The layer cache key must depend on their content, not only on the
 * line's text: after editing a local project listed as `./pkg`, the next build must not restore
 * the old layer. A remote URL without a pinned hash cannot be fingerprinted, so the build is not
 * cached (with a notice) rather than cached stale.
 *
 * The split of a line into requirement and options, and what counts as a path, follow pip
 * (pip/_internal/req/req_file.py break_args_options, constructors.py _looks_like_path): relative
 * paths resolve against the directory the user runs from, as pip resolves them.
 */




const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const HASH_FRAGMENT = /#(?:.*&)?(?:sha256|sha384|sha512|md5)=[0-9a-f]+/i;
const VCS_COMMIT = /^(?:git|hg|svn|bzr)\+.*@[0-9a-f]{40}(?:[#&]|$)/i;
/** pip's break_args_options: the requirement is every token before the first option. */
function requirementPart(text) {
    const tokens = text.split(' ');
    const first = tokens.findIndex((t) => t.startsWith('-'));
    if (first === -1)
        return { requirement: text, options: '' };
    return { requirement: tokens.slice(0, first).join(' '), options: tokens.slice(first).join(' ') };
}
/** The URL or path a requirement line names, if it names one (else it asks the index). */
function referenceOf(text) {
    const editable = /^(?:-e|--editable)(?:\s+|=)(\S+)/.exec(text);
    if (editable?.[1])
        return editable[1];
    const { requirement } = requirementPart(text);
    if (!requirement)
        return undefined;
    const direct = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(requirement);
    if (direct?.[1])
        return direct[1];
    const target = requirement.split(/\s;|;\s/)[0]?.trim() ?? '';
    if (SCHEME.test(target))
        return target;
    // pip's _looks_like_path: a separator in the name, or a leading dot. Extras may follow.
    if (target.includes('/') || target.includes('\\') || target.startsWith('.')) {
        return target.replace(/\[[^\]]*\]$/, '');
    }
    return undefined;
}
/** Every requirement line that points at a local path or a URL, resolved against `cwd`. */
function directReferences(snapshot, cwd) {
    const references = [];
    for (const line of snapshot.requirements) {
        const reference = referenceOf(line.text);
        if (!reference)
            continue;
        if (/^file:/i.test(reference)) {
            references.push({
                line,
                kind: 'path',
                location: (0,external_node_url_.fileURLToPath)(reference.split('#')[0]),
                pinned: true,
            });
        }
        else if (SCHEME.test(reference)) {
            const pinned = HASH_FRAGMENT.test(reference) || VCS_COMMIT.test(reference) || / --hash[ =]/.test(` ${line.text}`);
            references.push({ line, kind: 'url', location: reference, pinned });
        }
        else {
            references.push({ line, kind: 'path', location: (0,external_node_path_.resolve)(cwd, reference), pinned: true });
        }
    }
    return references;
}
// Folders that tools write into a project without changing what it builds: version control,
// caches, virtual environments, and the build/ and *.egg-info folders pip's own in-tree build
// leaves behind (hashing those would change the key on every build).
const SKIPPED_DIRS = new Set([
    '.git',
    '.hg',
    '.svn',
    '__pycache__',
    '.tox',
    '.nox',
    '.venv',
    'venv',
    'node_modules',
    'build',
    '.mypy_cache',
    '.pytest_cache',
    '.ruff_cache',
]);
function hashTree(root, dir, hash) {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true });
    }
    catch {
        return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
        const path = (0,external_node_path_.join)(dir, entry.name);
        if (entry.isDirectory()) {
            if (SKIPPED_DIRS.has(entry.name) || entry.name.endsWith('.egg-info'))
                continue;
            hashTree(root, path, hash);
        }
        else if (entry.isFile() && !entry.name.endsWith('.pyc')) {
            const bytes = (0,external_node_fs_.readFileSync)(path);
            hash.update(`${(0,external_node_path_.relative)(root, path)}\0${bytes.length}\0`).update(bytes);
        }
    }
}
/**
 * sha256 over the content of every local path the requirements name (a directory's files, an
 * archive's bytes) and the text of every pinned URL; plus the URLs that cannot be pinned. A path
 * that does not exist contributes its absence: the build reports it.
 */
function fingerprintReferences(references) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    for (const reference of references) {
        hash.update(`\n--- ${reference.kind} ${reference.line.text}\n`);
        if (reference.kind !== 'path' || !(0,external_node_path_.isAbsolute)(reference.location))
            continue;
        if (!(0,external_node_fs_.existsSync)(reference.location))
            hash.update('missing');
        else if ((0,external_node_fs_.statSync)(reference.location).isDirectory())
            hashTree(reference.location, reference.location, hash);
        else
            hash.update((0,external_node_fs_.readFileSync)(reference.location));
    }
    return { digest: hash.digest('hex'), unpinned: references.filter((r) => r.kind === 'url' && !r.pinned) };
}

;// CONCATENATED MODULE: ./src/pipeline/empty-requirements.ts
/**
 * Lines that make pip install something: a named requirement, an editable, a local path or a
 * URL; not a constraint, not an option line (--index-url URL).
 */
function installsSomething(snapshot) {
    return snapshot.requirements.some((r) => {
        if (r.kind !== 'requirement')
            return false;
        if (r.text.startsWith('-'))
            return /^(-e|--editable)\b/.test(r.text);
        return r.name !== undefined || /^[./~]|:\/\//.test(r.text);
    });
}
function warnOnEmptyRequirements(snapshot, log) {
    if (installsSomething(snapshot))
        return;
    log.warn(`${snapshot.file} lists no requirement (only comments, blank lines, options or constraints): the layer will contain no packages; check that this is the file you meant`, { file: snapshot.file, line: 1 });
}

;// CONCATENATED MODULE: ./src/pipeline/out-dir.ts
/**
 * The output folder is checked before anything is built: a build that would end in a folder it
 * cannot write should fail in a second with the path named, not after minutes of pip with an
 * operating-system error. Nothing is created here (a failed build leaves no new folder).
 */




/** Linux's limits (PATH_MAX, NAME_MAX). */
const MAX_PATH_BYTES = 4095;
const MAX_NAME_BYTES = 255;
const HINT = 'choose another output folder (CLI --out DIR, action input output-dir)';
/** The path itself or the nearest ancestor that exists, and whether it is a folder. */
async function nearestExisting(path) {
    let current = path;
    for (;;) {
        try {
            return { path: current, isDirectory: (await (0,promises_.stat)(current)).isDirectory() };
        }
        catch (error) {
            const code = error.code;
            if (code === 'ELOOP') {
                throw new errors/* UserError */.yo(`output folder ${path} goes through a symbolic link that points to itself`, {
                    hint: HINT,
                });
            }
            // ENOTDIR: an ancestor is a file; going up finds it.
            if (code !== 'ENOENT' && code !== 'ENOTDIR')
                throw error;
            const parent = (0,external_node_path_.dirname)(current);
            if (parent === current)
                return { path: current, isDirectory: true };
            current = parent;
        }
    }
}
/** Throws a UserError naming `outDir` when layer.zip cannot be written into it. */
async function checkOutDir(outDir) {
    const path = (0,external_node_path_.resolve)(outDir);
    const longName = path.split('/').some((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
    if (longName || Buffer.byteLength(path) > MAX_PATH_BYTES) {
        const limit = longName ? `a folder name over ${MAX_NAME_BYTES} bytes` : `over ${MAX_PATH_BYTES} bytes`;
        throw new errors/* UserError */.yo(`output folder ${path.slice(0, 100)}... is too long a path (${limit})`, {
            hint: HINT,
        });
    }
    const existing = await nearestExisting(path);
    const where = existing.path === path
        ? `output folder ${path}`
        : `output folder ${path} cannot be created: ${existing.path}`;
    if (!existing.isDirectory) {
        throw new errors/* UserError */.yo(`${where} is a file, not a folder`, {
            hint: existing.path === path ? `remove or rename the file, or ${HINT}` : HINT,
        });
    }
    try {
        await (0,promises_.access)(existing.path, external_node_fs_.constants.W_OK | external_node_fs_.constants.X_OK);
    }
    catch (error) {
        const code = error.code;
        const why = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable by this user';
        throw new errors/* UserError */.yo(`${where} ${why} (${code})`, { hint: HINT });
    }
}

;// CONCATENATED MODULE: ./src/pipeline/build-or-restore.ts
/**
 * The cached build: compute the key from everything that shapes the layer, take the layer from
 * the store when it is there and intact, else build it and save it. Shared by the action
 * (GitHub Actions cache) and the CLI (a local cache directory).
 */











/** The key of a layer: everything that shapes it (see cache/key.ts). */
function layerCacheKey(options, snapshot, directSourcesHash) {
    return cacheKey({
        toolVersion: version/* TOOL_VERSION */.w,
        pipVersion: pinned_pip/* PINNED_PIP */.N.version,
        target: options.target,
        requirementsHash: snapshot.requirementsHash,
        directSourcesHash,
        bytecode: options.bytecode,
        slim: options.slim,
        sdist: options.sdist,
        indexUrl: options.indexUrl,
        extraIndexUrls: options.extraIndexUrls,
        findLinks: options.findLinks,
    });
}
async function buildOrRestore(options, cache, log, context = {}) {
    await checkOutDir(options.outDir);
    checkFindLinks(options.findLinks);
    // Read once: the key needs the requirements, and so does the build on a miss.
    const snapshot = await readBuildInput(options.requirementsFile, inputParams(options), log);
    warnOnEmptyRequirements(snapshot, log);
    // Local projects and archives the requirements name are part of the key by content.
    const sources = fingerprintReferences(directReferences(snapshot, options.projectDir ?? process.cwd()));
    const key = layerCacheKey(options, snapshot, sources.digest);
    let store = cache.store;
    const unpinned = sources.unpinned[0];
    if (store && unpinned) {
        log.info(`Not using the layer cache: ${writtenAtText(unpinned.line)} installs from a URL without a pinned hash, so its content can change under the same text (add #sha256=... or --hash to cache it)`);
        store = undefined;
    }
    if (store && !cache.forceRebuild) {
        const restored = await restoreLayer(store, key, options.outDir, log);
        if (restored)
            return { ...restored, cacheHit: true, cacheKey: key };
    }
    else if (store) {
        log.info('force-rebuild: not looking in the cache');
    }
    const wheels = store ? cache.wheels : undefined;
    await wheels?.restore(log);
    const built = await buildLayer(options, log, {
        ...context,
        snapshot,
        ...(wheels ? { wheelCacheDir: wheels.dir } : {}),
    });
    if (store)
        await saveLayer(store, key, options.outDir, log);
    await wheels?.save(log);
    return { ...built, cacheHit: false, cacheKey: key };
}

// EXTERNAL MODULE: ./src/cli/parse.ts
var cli_parse = __nccwpck_require__(9537);
;// CONCATENATED MODULE: ./src/cli/build.ts
/** `lambda-layer build`: build layer.zip and manifest.json for a Lambda Python runtime. */












const DEFAULT_OUT = 'layer-out';
const usage = `Usage: ${version/* TOOL_NAME */.l} build [options]

Build a Lambda layer (DIR/layer.zip with python/ at its root, and DIR/manifest.json) from a
pip requirements file, choosing only wheels the Lambda runtime can run, verifying every binary
against the runtime and compiling bytecode for its Python.

Options:
  -r, --requirements FILE   what to install: a requirements*.txt, pyproject.toml, pylock.toml /
                            pylock.NAME.toml, uv.lock, poetry.lock or Pipfile.lock; or a directory
                            to look in (default: the working directory) for the first of
                            requirements.txt, pylock.toml, uv.lock, poetry.lock, Pipfile.lock,
                            pyproject.toml
  --extras LIST             extras of the project to install (pyproject.toml, uv.lock, poetry.lock,
                            pylock.toml; comma separated, repeatable)
  --groups LIST             dependency groups to install besides the main dependencies
                            (default: none; comma separated, repeatable)
  --runtime NAME            Lambda runtime: python3.10 ... python3.14 (default: ${src_target/* DEFAULT_RUNTIME */.JA})
  --arch ARCH               x86_64 or arm64 (default: ${src_target/* DEFAULT_ARCHITECTURE */.Qz})
  --out DIR                 output directory (default: ./${DEFAULT_OUT})
  --index-url URL           package index (default: pip's configuration)
  --extra-index-url URL     additional package index (repeatable)
  --find-links DIR|URL      directory or page of wheels (repeatable), e.g. wheels built on Amazon Linux
  --sdist pure|never        source-only packages: build pure-Python ones on this machine (pure,
                            the default; this runs their build code) or refuse them (never)
  --python PATH             Python >= 3.10 that runs the pinned pip (any version: markers are
                            evaluated for the target; default: found on PATH, py, tool cache, pyenv)
  --bytecode-python PATH    interpreter of the target's Python version that compiles bytecode
  --no-bytecode             ship no .pyc files
  --no-import-proof         do not import the direct requirements on the target CPU before archiving
  --import-proof-python PATH
                            Python of the target's version for the target's CPU (an arm64 one run
                            under qemu-user when building arm64 on x86_64); env ${PROOF_PYTHON_ENV}
  --import-proof-sysroot DIR
                            root qemu-user finds that interpreter's libraries in (qemu -L DIR);
                            alone it means DIR/usr/bin/pythonX.Y; env ${PROOF_SYSROOT_ENV}
  --slim                    remove what the runtime never loads (package test folders, *.pyi stubs)
  --slim-exclude GLOB       with --slim: also remove files matching GLOB (repeatable)
  --slim-keep GLOB          with --slim: never remove files matching GLOB (repeatable)
  --cache-dir DIR           cache of finished layers and of the pinned pip (default: ${defaultCacheDir()})
  --no-cache                neither read nor write the cache
  --force-rebuild           build even when the cache has this layer (the result is cached)
  --json                    print the manifest as JSON on stdout (progress stays on stderr)
  --verbose                 show debug output`;
/**
 * A bare name (python3.12, py) is looked up on PATH; a path (with / or, on Windows, \\) is
 * relative to the working dir.
 */
function interpreterArg(value, cwd) {
    if (!value)
        return undefined;
    const isPath = (0,external_node_path_.isAbsolute)(value) || value.includes('/') || (process.platform === 'win32' && value.includes('\\'));
    return isPath ? (0,external_node_path_.resolve)(cwd, value) : value;
}
async function run(argv, io) {
    const { values } = (0,cli_parse/* parseCommandArgs */.Q)(argv, {
        requirements: { type: 'string', short: 'r' },
        extras: { type: 'string', multiple: true },
        groups: { type: 'string', multiple: true },
        runtime: { type: 'string' },
        arch: { type: 'string' },
        out: { type: 'string' },
        'index-url': { type: 'string' },
        'extra-index-url': { type: 'string', multiple: true },
        'find-links': { type: 'string', multiple: true },
        sdist: { type: 'string' },
        python: { type: 'string' },
        'bytecode-python': { type: 'string' },
        'no-bytecode': { type: 'boolean' },
        'no-import-proof': { type: 'boolean' },
        'import-proof-python': { type: 'string' },
        'import-proof-sysroot': { type: 'string' },
        slim: { type: 'boolean' },
        'slim-exclude': { type: 'string', multiple: true },
        'slim-keep': { type: 'string', multiple: true },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'force-rebuild': { type: 'boolean' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
    });
    const target = (0,src_target/* resolveTarget */.u1)(values.runtime ?? src_target/* DEFAULT_RUNTIME */.JA, values.arch ?? src_target/* DEFAULT_ARCHITECTURE */.Qz);
    if (target.deprecated) {
        io.log.warn(`${target.runtime} is deprecated by AWS Lambda (no security updates; creating functions will be blocked); move to python3.12 or newer`);
    }
    const sdist = (0,inputs/* parseChoice */.HU)('--sdist', values.sdist ?? '', ['pure', 'never'], 'pure');
    // Local find-links directories are relative to where the user runs the command.
    const findLinks = (values['find-links'] ?? []).map((link) => /^[a-z][a-z0-9+.-]*:/i.test(link) ? link : (0,external_node_path_.resolve)(io.cwd, link));
    const options = {
        // Without -r, the working directory: the build picks the input file there and says which.
        requirementsFile: (0,external_node_path_.resolve)(io.cwd, values.requirements ?? '.'),
        extras: (values.extras ?? []).flatMap(inputs/* parseList */.E1),
        groups: (values.groups ?? []).flatMap(inputs/* parseList */.E1),
        projectDir: io.cwd,
        target,
        outDir: (0,external_node_path_.resolve)(io.cwd, values.out ?? DEFAULT_OUT),
        indexUrl: values['index-url'],
        extraIndexUrls: values['extra-index-url'] ?? [],
        findLinks,
        python: interpreterArg(values.python, io.cwd),
        bytecode: !values['no-bytecode'],
        bytecodePython: interpreterArg(values['bytecode-python'], io.cwd),
        slim: values.slim
            ? {
                exclude: (values['slim-exclude'] ?? []).flatMap(inputs/* parseList */.E1),
                keep: (values['slim-keep'] ?? []).flatMap(inputs/* parseList */.E1),
            }
            : undefined,
        sdist,
        importProof: !values['no-import-proof'],
        importProofPython: interpreterArg(values['import-proof-python'], io.cwd),
        importProofSysroot: values['import-proof-sysroot']
            ? (0,external_node_path_.resolve)(io.cwd, values['import-proof-sysroot'])
            : undefined,
    };
    const cacheDir = (0,external_node_path_.resolve)(io.cwd, values['cache-dir'] ?? defaultCacheDir(io.env));
    const store = values['no-cache'] ? undefined : directoryStore(cacheDir);
    const result = await buildOrRestore(options, { store, forceRebuild: values['force-rebuild'] ?? false }, io.log, 
    // The pinned pip lives in the cache folder too, --no-cache or not: it is a tool, not a layer.
    // The per-wheel caches (installed files, bytecode, verification facts) live there unless
    // --no-cache.
    {
        env: io.env,
        toolCacheDir: cacheDir,
        ...(values['no-cache'] ? {} : { wheelCacheDir: (0,external_node_path_.join)(cacheDir, WHEEL_CACHE_DIR) }),
    });
    if (!values['no-cache']) {
        // The layer is built: a cache folder that cannot be tidied is only worth a warning.
        await pruneWheelCache((0,external_node_path_.join)(cacheDir, WHEEL_CACHE_DIR), io.log).catch((error) => io.log.warn(`Per-wheel cache not pruned: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (values.json) {
        io.stdout.write(serializeManifest(result.manifest));
    }
    else {
        const shown = (0,external_node_path_.relative)(io.cwd, result.zipPath);
        const zipPath = shown.startsWith('..') ? result.zipPath : shown;
        io.stdout.write(`${(0,redact/* redact */.E$)((0,src_report/* cliSummary */.D0)({ manifest: result.manifest, zipPath, cacheHit: result.cacheHit }))}\n`);
    }
    return 0;
}
const buildCommand = {
    usage,
    run,
};

;// CONCATENATED MODULE: ./src/cli/verify.ts
/** `lambda-layer verify <layer.zip>`: prove a layer zip loads on its Lambda target. */







const verify_usage = `Usage: ${version/* TOOL_NAME */.l} verify <layer.zip> [options]

Check that a layer zip loads on a Lambda Python runtime: every native binary is Linux ELF for
the target CPU, needs no newer glibc/libstdc++ than the runtime's OS has and matches its Python
ABI; everything is under python/; the unzipped size fits Lambda's 250 MB. Exit code 1 lists
each problem with the file inside the zip.

Options:
  --runtime NAME   Lambda runtime (default: from manifest.json next to the zip, else ${src_target/* DEFAULT_RUNTIME */.JA})
  --arch ARCH      x86_64 or arm64 (default: from manifest.json next to the zip, else ${src_target/* DEFAULT_ARCHITECTURE */.Qz})
  --json           print the verification report as JSON on stdout
  --verbose        show debug output`;
/** runtime/architecture recorded by `lambda-layer build` in manifest.json beside the zip. */
async function manifestTarget(zipPath) {
    const file = (0,external_node_path_.join)((0,external_node_path_.dirname)(zipPath), 'manifest.json');
    let text;
    try {
        text = await (0,promises_.readFile)(file, 'utf8');
    }
    catch {
        return undefined;
    }
    try {
        const target = JSON.parse(text).target;
        return {
            file,
            runtime: typeof target?.runtime === 'string' ? target.runtime : undefined,
            architecture: typeof target?.architecture === 'string' ? target.architecture : undefined,
        };
    }
    catch (error) {
        throw new errors/* UserError */.yo(`${file} is not valid JSON: ${error.message}`, {
            hint: 'pass --runtime and --arch, or rebuild the layer',
        });
    }
}
function verify_formatMiB(bytes) {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
function summary(report) {
    const lines = [
        `Checked ${report.checkedBinaries} native binaries; unzipped ${verify_formatMiB(report.unzippedSize ?? 0)}${report.zipSize !== undefined ? `, zip ${verify_formatMiB(report.zipSize)}` : ''}`,
    ];
    if (report.largest.length > 0) {
        lines.push('Largest packages:');
        const width = Math.max(...report.largest.map((p) => p.name.length));
        for (const p of report.largest)
            lines.push(`  ${p.name.padEnd(width)}  ${verify_formatMiB(p.size).padStart(10)}`);
    }
    return lines;
}
async function verify_run(argv, io) {
    const { values, positionals } = (0,cli_parse/* parseCommandArgs */.Q)(argv, {
        runtime: { type: 'string' },
        arch: { type: 'string' },
        json: { type: 'boolean' },
        verbose: { type: 'boolean' },
    }, true);
    if (positionals.length !== 1)
        throw new cli_parse/* UsageError */.e('verify takes exactly one layer zip');
    const zipPath = (0,external_node_path_.resolve)(io.cwd, positionals[0]);
    const fromManifest = values.runtime && values.arch ? undefined : await manifestTarget(zipPath);
    const runtime = values.runtime ?? fromManifest?.runtime ?? src_target/* DEFAULT_RUNTIME */.JA;
    const arch = values.arch ?? fromManifest?.architecture ?? src_target/* DEFAULT_ARCHITECTURE */.Qz;
    const target = (0,src_target/* resolveTarget */.u1)(runtime, arch);
    io.log.info(`Verifying ${positionals[0]} for ${target.runtime} ${target.architecture} (${target.os})${fromManifest ? ` (target from ${fromManifest.file})` : ''}`);
    let report;
    try {
        report = await verifyLayerZip(zipPath, target);
    }
    catch (error) {
        if (error.code === 'ENOENT') {
            throw new errors/* UserError */.yo(`${positionals[0]}: no such file`, { hint: 'pass the path of a layer zip' });
        }
        throw error;
    }
    if (values.json)
        io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    for (const warning of report.warnings)
        io.log.warn(warning);
    for (const line of summary(report))
        io.log.info(line);
    const error = verificationError(report, target);
    if (error)
        throw error;
    io.log.info(`OK: the layer loads on ${target.runtime} ${target.architecture}`);
    return 0;
}
const verifyCommand = {
    usage: verify_usage,
    run: verify_run,
};

;// CONCATENATED MODULE: ./src/cli/commands.ts
/**
 * Registry of CLI commands: each command lives in its own file and is listed here once.
 * Commands that talk to AWS are loaded on demand: the SDK is most of the bundle, and loading it
 * cost every `lambda-layer build` about 0.12 s of a 0.27 s start.
 */


const COMMANDS = [
    {
        name: 'build',
        summary: 'build layer.zip and manifest.json from a requirements file',
        load: async () => buildCommand,
    },
    {
        name: 'verify',
        summary: 'check that a layer zip loads on its Lambda runtime (ELF arch, glibc, ABI, layout, size)',
        load: async () => verifyCommand,
    },
    {
        name: 'invoke',
        summary: 'run a handler locally against the built layer, isolated from this machine',
        load: async () => (await __nccwpck_require__.e(/* import() */ 15).then(__nccwpck_require__.bind(__nccwpck_require__, 2015))).invokeCommand,
    },
    {
        name: 'publish',
        summary: 'publish a layer zip to Lambda in one or more regions (reusing an identical version)',
        load: async () => (await Promise.all(/* import() */[__nccwpck_require__.e(530), __nccwpck_require__.e(129)]).then(__nccwpck_require__.bind(__nccwpck_require__, 9129))).publishCommand,
    },
    {
        name: 'deploy',
        summary: 'serverless deploy with --param layerArn=ARN, then GET the endpoint',
        load: async () => (await Promise.all(/* import() */[__nccwpck_require__.e(530), __nccwpck_require__.e(445)]).then(__nccwpck_require__.bind(__nccwpck_require__, 2445))).deployCommand,
    },
];


/***/ }),

/***/ 9537:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Q: () => (/* binding */ parseCommandArgs),
/* harmony export */   e: () => (/* binding */ UsageError)
/* harmony export */ });
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7975);
/* harmony import */ var node_util__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_util__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3916);
/** Argument parsing shared by the commands: node's parseArgs with errors that name the flag. */


/** A usage mistake: the CLI prints the message and the command's usage, exit code 2. */
class UsageError extends _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UserError */ .yo {
    constructor(message) {
        super(message);
        this.name = 'UsageError';
    }
}
function parseCommandArgs(argv, options, allowPositionals = false) {
    try {
        return (0,node_util__WEBPACK_IMPORTED_MODULE_0__.parseArgs)({ args: [...argv], options, allowPositionals, strict: true });
    }
    catch (error) {
        // parseArgs messages already name the flag ("Unknown option '--foo'").
        throw new UsageError(error instanceof Error ? error.message : String(error));
    }
}


/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   fe: () => (/* binding */ ResolutionError),
/* harmony export */   yo: () => (/* binding */ UserError)
/* harmony export */ });
/**
 * Typed errors decide how a failure is reported: a UserError is the user's to fix and is
 * printed as one clear message (no stack); anything else is a bug and keeps its stack.
 */
/** A failure the user can act on. `hint` says what to do; `location` the line to annotate. */
class UserError extends Error {
    hint;
    location;
    constructor(message, options = {}) {
        super(message, { cause: options.cause });
        this.name = 'UserError';
        this.hint = options.hint;
        this.location = options.location;
    }
}
/** A bad value for a named input (action input or CLI flag). */
class InputError extends UserError {
    input;
    constructor(input, message, options = {}) {
        super(`Input "${input}": ${message}`, options);
        this.name = 'InputError';
        this.input = input;
    }
}
/** A requirement that cannot be satisfied for the target. */
class ResolutionError extends UserError {
    packageName;
    constructor(message, options = {}) {
        super(message, options);
        this.name = 'ResolutionError';
        this.packageName = options.packageName;
    }
}
function describeError(error) {
    if (error instanceof UserError) {
        return error.hint ? `${error.message}\n  -> ${error.hint}` : error.message;
    }
    if (error instanceof Error)
        return error.stack ?? error.message;
    return String(error);
}


/***/ }),

/***/ 8422:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E1: () => (/* binding */ parseList),
/* harmony export */   HU: () => (/* binding */ parseChoice),
/* harmony export */   VW: () => (/* binding */ parseInvokeEvents),
/* harmony export */   cG: () => (/* binding */ parseInteger),
/* harmony export */   vZ: () => (/* binding */ parseSecondsAsMs)
/* harmony export */ });
/* unused harmony export parseBoolean */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3916);
/**
 * Parsers for raw input strings (action inputs and CLI flag values). Each error names the input,
 * so "Input "cache": expected true or false, got "yes please"" tells the user exactly what to fix.
 */

/** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them. */
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);
function parseBoolean(input, raw, fallback) {
    const value = raw.trim();
    if (value === '')
        return fallback;
    if (TRUE.has(value))
        return true;
    if (FALSE.has(value))
        return false;
    throw new InputError(input, `expected true or false, got "${raw}"`);
}
/** Comma- or newline-separated list, blanks dropped, duplicates removed in order. */
function parseList(raw) {
    return [
        ...new Set(raw
            .split(/[\n,]/)
            .map((item) => item.trim())
            .filter(Boolean)),
    ];
}
/**
 * A whole number, or undefined when blank. The range is checked here when the caller gives one;
 * otherwise the domain's own validation says what is allowed (e.g. STS's session duration).
 */
function parseInteger(input, raw, range = { min: 0, max: Number.MAX_SAFE_INTEGER }) {
    const value = (raw ?? '').trim();
    if (value === '')
        return undefined;
    if (!/^\d+$/.test(value))
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `expected a whole number, got "${raw}"`);
    const n = Number(value);
    if (n < range.min || n > range.max) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `${n} is out of range; use ${range.min} to ${range.max}`);
    }
    return n;
}
function parseChoice(input, raw, choices, fallback) {
    const value = raw.trim();
    if (value === '')
        return fallback;
    if (choices.includes(value))
        return value;
    throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `"${raw}" is not one of ${choices.join(', ')}`);
}
/** A positive number of seconds (fractions allowed), as milliseconds; undefined when not given. */
function parseSecondsAsMs(input, raw) {
    if (raw === undefined)
        return undefined;
    const seconds = Number(raw.trim());
    if (raw.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(input, `expected a positive number of seconds, got "${raw}"`);
    }
    return seconds * 1000;
}
/** `invoke-events`: one FUNCTION=FILE per line (or comma); files relative to the workspace. */
function parseInvokeEvents(text, inWorkspace, inputName = 'invoke-events') {
    const events = {};
    for (const item of parseList(text)) {
        const at = item.indexOf('=');
        const name = item.slice(0, at).trim();
        const file = item.slice(at + 1).trim();
        if (at < 0 || !name || !file) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(inputName, `"${item}" is not FUNCTION=FILE`, {
                hint: 'e.g. nightly=events/nightly.json (the function key from serverless.yml, then a JSON event file)',
            });
        }
        if (events[name])
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz(inputName, `${name} is given two event files`);
        events[name] = inWorkspace(file);
    }
    return events;
}


/***/ }),

/***/ 8476:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CW: () => (/* binding */ interruptSignal),
/* harmony export */   Hb: () => (/* binding */ trackChildGroup),
/* harmony export */   p4: () => (/* binding */ InterruptedError),
/* harmony export */   vY: () => (/* binding */ removeOnInterrupt),
/* harmony export */   xi: () => (/* binding */ exitCleanlyOnSignals)
/* harmony export */ });
/* unused harmony export stopForSignal */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/**
 * What an interrupt (Ctrl-C, `kill`, a cancelled GitHub job: SIGINT, then SIGTERM) must undo.
 * Children run in process groups of their own (src/process.ts), so the terminal's SIGINT never
 * reaches them; and temp folders are removed in `finally` blocks that a signal never runs.
 * Both register here while they exist; on the first SIGINT/SIGTERM the handler stops every
 * child group, removes every registered path, and exits 130 / 143.
 */

/** pip and the bytecode compilers clean up their own temp files on SIGINT (KeyboardInterrupt); they get this long. */
const CHILD_GRACE_MS = 3_000;
/** The runner sends SIGTERM 7.5 s after SIGINT and then kills: everything must be done before. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143 };
const children = new Set();
/** Paths in registration order; removed newest first (a temp dir before the folder holding it). */
const paths = [];
let interruptedBy;
/** The signal that interrupted this process, once one has. */
function interruptSignal() {
    return interruptedBy;
}
/** An error for work that would start after an interrupt (a new child, a next stage). */
class InterruptedError extends Error {
    signal;
    constructor(signal) {
        super(`interrupted by ${signal}`);
        this.signal = signal;
        this.name = 'InterruptedError';
    }
}
/** Registers a running child's process group; call the result when it has exited. */
function trackChildGroup(pid) {
    const entry = { pid, exited: false };
    children.add(entry);
    return () => {
        entry.exited = true;
        children.delete(entry);
    };
}
/**
 * Registers a path to remove on interrupt: `tree` is removed with its contents, `empty-dir` only
 * when empty (a folder this run created for outputs). Call the result once the path is gone or
 * is kept on purpose.
 */
function removeOnInterrupt(path, kind = 'tree') {
    const entry = { path, kind };
    paths.push(entry);
    return () => {
        const at = paths.indexOf(entry);
        if (at >= 0)
            paths.splice(at, 1);
    };
}
function signalGroups(signal) {
    for (const child of children) {
        try {
            process.kill(-child.pid, signal);
        }
        catch {
            // Already gone.
        }
    }
}
function removeRegisteredPaths() {
    for (const { path, kind } of [...paths].reverse()) {
        try {
            if (kind === 'tree')
                (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(path, { recursive: true, force: true });
            else
                (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmdirSync)(path);
        }
        catch {
            // Not empty (the user's files) or already gone: leave it.
        }
    }
    paths.length = 0;
}
async function waitForChildren(ms) {
    const until = Date.now() + ms;
    while (children.size > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 50));
}
/**
 * Stops the children, removes the registered paths and returns the exit code for `signal`.
 * Exposed for the handler and for tests; a second call does nothing more.
 */
async function stopForSignal(signal) {
    if (!interruptedBy) {
        interruptedBy = signal;
        // SIGINT first: pip turns it into KeyboardInterrupt and removes its own temp folders.
        signalGroups('SIGINT');
        await waitForChildren(CHILD_GRACE_MS);
        signalGroups('SIGKILL');
        removeRegisteredPaths();
    }
    return EXIT_CODES[signal] ?? 1;
}
let installed = false;
/**
 * Makes SIGINT and SIGTERM stop the children, remove temp files and exit 130 / 143. `say`
 * prints the one line explaining it (stderr for the CLI, the runner log for the action).
 */
function exitCleanlyOnSignals(say) {
    if (installed)
        return;
    installed = true;
    for (const signal of ['SIGINT', 'SIGTERM']) {
        process.on(signal, () => {
            if (interruptedBy)
                return; // the second Ctrl-C or the runner's SIGTERM: already stopping
            const running = children.size;
            void stopForSignal(signal).then((code) => {
                say(`interrupted by ${signal}: stopped ${running} running ${running === 1 ? 'process' : 'processes'} and removed the temporary files; outputs from earlier runs are unchanged`);
                process.exit(code);
            });
        });
    }
}


/***/ }),

/***/ 5625:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ redactingLogger),
/* harmony export */   VO: () => (/* binding */ streamLogger)
/* harmony export */ });
/* unused harmony export memoryLogger */
/* harmony import */ var _redact_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(6670);

/** Writes human-readable lines to a stream (stderr by default). */
function streamLogger(options = {}) {
    const stream = options.stream ?? process.stderr;
    const write = (line) => {
        stream.write(`${line}\n`);
    };
    const at = (where) => where ? ` (${where.file}${where.line ? `:${where.line}` : ''})` : '';
    return {
        info: (message) => write(message),
        warn: (message, where) => write(`warning${at(where)}: ${message}`),
        error: (message, where) => write(`error${at(where)}: ${message}`),
        debug: (message) => {
            if (options.verbose)
                write(`debug: ${message}`);
        },
        async group(title, work) {
            write(`== ${title}`);
            return work();
        },
    };
}
/** Collects lines in memory: for tests that assert on what a stage said. */
function memoryLogger() {
    const lines = [];
    return {
        lines,
        info: (m) => lines.push(`info: ${m}`),
        warn: (m) => lines.push(`warn: ${m}`),
        error: (m) => lines.push(`error: ${m}`),
        debug: (m) => lines.push(`debug: ${m}`),
        async group(title, work) {
            lines.push(`group: ${title}`);
            return work();
        },
    };
}
/**
 * `inner` with every message, annotation file and group title passed through `redact`: wraps
 * each logger at the entry (CLI, action), so no stage has to remember to redact.
 */
function redactingLogger(inner) {
    const where = (location) => location ? { ...location, file: (0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(location.file) } : undefined;
    return {
        info: (message) => inner.info((0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message)),
        warn: (message, location) => inner.warn((0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message), where(location)),
        error: (message, location) => inner.error((0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message), where(location)),
        debug: (message) => inner.debug((0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(message)),
        group: (title, work) => inner.group((0,_redact_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(title), work),
    };
}


/***/ }),

/***/ 936:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   V1: () => (/* binding */ isPrerelease),
/* harmony export */   Zy: () => (/* binding */ compareVersions),
/* harmony export */   bS: () => (/* binding */ matchesClause),
/* harmony export */   du: () => (/* binding */ isAtLeast),
/* harmony export */   ib: () => (/* binding */ satisfies),
/* harmony export */   lF: () => (/* binding */ isVersion)
/* harmony export */ });
/**
 * The one version comparison of the tool, PEP 440 ordering, and enough of PEP 440's specifiers to
 * explain a failed resolution. Dotted numeric versions (glibc 2.26, GLIBCXX 3.4.29, pip 22.2,
 * Python 3.11.7) order the same way under it. pip decides what installs; the specifier test only
 * reproduces its choice for the error message, so rare forms (arbitrary equality, local-version
 * rules) are approximated.
 */
const PATTERN = /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\d*)))?(?:[-_.]?(dev)[-_.]?(\d*))?(?:\+[a-z0-9.]+)?$/i;
function parse(version) {
    const m = PATTERN.exec(version.trim());
    if (!m)
        return undefined;
    const preKind = m[3]?.toLowerCase();
    const pre = preKind
        ? [preKind.startsWith('a') ? 0 : preKind.startsWith('b') ? 1 : 2, Number(m[4] || 0)]
        : undefined;
    const post = m[5] !== undefined ? Number(m[5]) : m[6] ? Number(m[7] || 0) : undefined;
    return {
        epoch: Number(m[1] ?? 0),
        release: (m[2] ?? '0').split('.').map(Number),
        pre,
        post,
        dev: m[8] ? Number(m[9] || 0) : undefined,
    };
}
function isPrerelease(version) {
    const v = parse(version);
    return Boolean(v && (v.pre || v.dev !== undefined));
}
/** Negative, zero or positive as a orders before, equal to or after b (PEP 440); unparsable versions sort first. */
function compareVersions(a, b) {
    const va = parse(a);
    const vb = parse(b);
    if (!va || !vb)
        return va ? 1 : vb ? -1 : a.localeCompare(b);
    if (va.epoch !== vb.epoch)
        return va.epoch - vb.epoch;
    const length = Math.max(va.release.length, vb.release.length);
    for (let i = 0; i < length; i++) {
        const d = (va.release[i] ?? 0) - (vb.release[i] ?? 0);
        if (d !== 0)
            return d;
    }
    // dev-only releases sort before pre-releases, which sort before the final release.
    const preKey = (v) => v.pre ? [v.pre[0], v.pre[1]] : v.post === undefined && v.dev !== undefined ? [-1, 0] : [3, 0];
    const [pa, pb] = [preKey(va), preKey(vb)];
    for (let i = 0; i < 2; i++)
        if (pa[i] !== pb[i])
            return (pa[i] ?? 0) - (pb[i] ?? 0);
    const post = (va.post ?? -1) - (vb.post ?? -1);
    if (post !== 0)
        return post;
    if (va.dev === vb.dev)
        return 0;
    if (va.dev === undefined)
        return 1;
    if (vb.dev === undefined)
        return -1;
    return va.dev - vb.dev;
}
/** True when `version` is a valid PEP 440 version (a marker compares such values as versions). */
function isVersion(version) {
    return parse(version) !== undefined;
}
/**
 * `version OPERATOR operand` for one clause, pre-releases included (as packaging's
 * `Specifier.contains(..., prereleases=True)`, which marker evaluation uses).
 */
function matchesClause(version, operator, operand) {
    return matchesOne(version, operator, operand);
}
function matchesOne(version, operator, operand) {
    if (operator === '===')
        return version === operand;
    if ((operator === '==' || operator === '!=') && operand.endsWith('.*')) {
        const prefix = operand.slice(0, -2).split('.');
        const release = (parse(version)?.release ?? []).map(String);
        const equal = prefix.every((part, i) => Number(part) === Number(release[i] ?? 0));
        return operator === '==' ? equal : !equal;
    }
    const c = compareVersions(version, operand);
    switch (operator) {
        case '==':
            return c === 0;
        case '!=':
            return c !== 0;
        case '<=':
            return c <= 0;
        case '>=':
            return c >= 0;
        case '<':
            return c < 0;
        case '>':
            return c > 0;
        case '~=': {
            const release = operand.split('.');
            const prefix = `${release.slice(0, Math.max(release.length - 1, 1)).join('.')}.*`;
            return c >= 0 && matchesOne(version, '==', prefix);
        }
        default:
            return false;
    }
}
/**
 * Whether `version` satisfies a specifier set such as ">=1.2,<2" (empty: any). Pre-releases
 * match only when the specifier names one, as pip does by default.
 */
function satisfies(version, specifier) {
    const clauses = specifier
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    const allowsPre = clauses.some((c) => isPrerelease(c.replace(/^[<>=!~]+/, '')));
    if (isPrerelease(version) && !allowsPre)
        return false;
    return clauses.every((clause) => {
        const m = /^(===|~=|==|!=|<=|>=|<|>)\s*(.+)$/.exec(clause);
        return m?.[1] && m[2] ? matchesOne(version, m[1], m[2].trim()) : false;
    });
}
/** True when `version` is `minimum` or later (PEP 440 order). */
function isAtLeast(version, minimum) {
    return compareVersions(version, minimum) >= 0;
}


/***/ }),

/***/ 4006:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   R: () => (/* binding */ runProcess),
/* harmony export */   a: () => (/* binding */ stripAnsi)
/* harmony export */ });
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _interrupt_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8476);
/**
 * Runs one child process the way every tool this project starts (pip, python, npm, serverless) must run:
 * no shell, its own process group, output streamed line by line, a hard timeout that kills the
 * whole group (serverless and npm spawn children of their own), and the output kept for the
 * error message.
 */


/** Output kept per run: enough for Serverless's error block, bounded for a chatty deploy. */
const MAX_KEPT = 2_000_000;
/** After SIGTERM, the group gets this long to exit before SIGKILL. */
const KILL_GRACE_MS = 5_000;
// ESC [ params intermediates final (written with fromCharCode: a literal ESC in a regex trips lint).
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[ -/]*[@-~]`, 'g');
/** Removes terminal colour/cursor codes (FORCE_COLOR on CI runners makes tools emit them). */
function stripAnsi(text) {
    return text.replace(ANSI, '');
}
function killGroup(pid, signal) {
    if (!pid)
        return;
    try {
        process.kill(-pid, signal);
    }
    catch {
        // The group is already gone.
    }
}
function runProcess(command, args, options) {
    const started = Date.now();
    const interrupted = (0,_interrupt_js__WEBPACK_IMPORTED_MODULE_1__/* .interruptSignal */ .CW)();
    // After Ctrl-C nothing new starts (the sdist fallback would otherwise run pip again).
    if (interrupted)
        return Promise.reject(new _interrupt_js__WEBPACK_IMPORTED_MODULE_1__/* .InterruptedError */ .p4(interrupted));
    return new Promise((resolve, reject) => {
        const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(command, [...args], {
            cwd: options.cwd,
            env: options.env ?? process.env,
            detached: true,
            stdio: ['pipe', 'pipe', 'pipe'],
        });
        // Its own group never sees the terminal's Ctrl-C: src/interrupt.ts stops it instead.
        const untrack = child.pid ? (0,_interrupt_js__WEBPACK_IMPORTED_MODULE_1__/* .trackChildGroup */ .Hb)(child.pid) : () => undefined;
        let output = '';
        let stdout = '';
        let timedOut = false;
        const keep = (text, which) => {
            output = (output + text).slice(-MAX_KEPT);
            if (which === 'stdout')
                stdout = (stdout + text).slice(-MAX_KEPT);
        };
        const partial = { stdout: '', stderr: '' };
        const feed = (which) => (chunk) => {
            const text = chunk.toString('utf8');
            keep(text, which);
            // A child stopped by an interrupt prints its traceback: not news to the user.
            if (!options.onLine || (0,_interrupt_js__WEBPACK_IMPORTED_MODULE_1__/* .interruptSignal */ .CW)())
                return;
            const lines = (partial[which] + text).split(/\r?\n/);
            partial[which] = lines.pop() ?? '';
            for (const line of lines)
                options.onLine(stripAnsi(line), which);
        };
        child.stdout.on('data', feed('stdout'));
        child.stderr.on('data', feed('stderr'));
        child.stdin.on('error', () => {
            // The child may exit without reading its input.
        });
        if (options.inputStream)
            options.inputStream.pipe(child.stdin);
        else
            child.stdin.end(options.input ?? '');
        let killTimer;
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup(child.pid, 'SIGTERM');
            killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS);
        }, options.timeoutMs);
        child.on('error', (error) => {
            clearTimeout(timer);
            clearTimeout(killTimer);
            untrack();
            reject(error);
        });
        child.on('close', (code, signal) => {
            clearTimeout(timer);
            clearTimeout(killTimer);
            // Grandchildren that outlived the leader (a detached server, a stuck npm) go too.
            killGroup(child.pid, 'SIGKILL');
            untrack();
            for (const which of ['stdout', 'stderr']) {
                if (partial[which] && options.onLine)
                    options.onLine(stripAnsi(partial[which]), which);
            }
            resolve({ code, signal, timedOut, output, stdout, durationMs: Date.now() - started });
        });
    });
}


/***/ }),

/***/ 4122:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   a: () => (/* binding */ programSource),
/* harmony export */   k: () => (/* binding */ programPath)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3136);
/* harmony import */ var node_url__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_url__WEBPACK_IMPORTED_MODULE_1__);
/**
 * The programs the tool runs in other processes (Python run by an interpreter, the zip writer's
 * worker threads) are real files beside the TypeScript that starts them, so they are linted,
 * formatted and tested as what they are. scripts/build-dist.mjs copies each into dist/ at the same
 * path relative to the bundle as it has relative to this file, so one lookup serves src/ (tsx,
 * vitest) and the bundles alike.
 */


/** Absolute path of a program, given relative to src/ (e.g. "invoke/bootstrap.py"). */
function programPath(relativeToSrc) {
    // A variable, not a literal, so the bundler leaves the URL to be resolved at run time.
    const location = new URL(relativeToSrc, import.meta.url);
    return (0,node_url__WEBPACK_IMPORTED_MODULE_1__.fileURLToPath)(location);
}
const sources = new Map();
/** A program's text, read once per process (for `python -c` and eval'd workers). */
function programSource(relativeToSrc) {
    let source = sources.get(relativeToSrc);
    if (source === undefined) {
        source = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(programPath(relativeToSrc), 'utf8');
        sources.set(relativeToSrc, source);
    }
    return source;
}


/***/ }),

/***/ 6670:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CY: () => (/* binding */ rememberUrlSecrets),
/* harmony export */   E$: () => (/* binding */ redact),
/* harmony export */   pZ: () => (/* binding */ pipEnvUrls)
/* harmony export */ });
/* unused harmony exports secretsOfUrl, forgetSecrets */
/**
 * The one place credentials are taken out of text before it is shown: log lines, error
 * messages, pip command lines, annotations and summaries all pass through `redact`.
 *
 * Two layers, because a secret can surface in two shapes:
 * - any URL's userinfo (`https://user:PASS@host` -> `https://****@host`), whoever wrote it
 *   (our messages, pip's output, a stack trace);
 * - the bare secret values taken from the URLs the user configured (`rememberUrlSecrets`),
 *   wherever they appear on their own or percent-decoded.
 */
const MASK = '****';
/**
 * scheme://userinfo@ where userinfo runs up to the LAST "@" before the host: pip splits a
 * netloc at its last "@" too (an unencoded "@" in a password would otherwise leak its tail).
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]*(?:@[^\s/?#@]*)*@/gi;
const remembered = new Set();
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function safeDecode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
/**
 * The secret parts of one URL, as pip treats them: the password, or the user name when it is
 * the only credential (a token as user name). Both the raw and the percent-decoded forms.
 */
function secretsOfUrl(url) {
    const match = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url.trim());
    if (!match?.[1])
        return [];
    const userinfo = match[1];
    const colon = userinfo.indexOf(':');
    const secret = colon >= 0 ? userinfo.slice(colon + 1) : userinfo;
    if (!secret)
        return [];
    return [...new Set([secret, safeDecode(secret)])].filter((s) => s.length > 0);
}
/**
 * Remembers the secrets in `urls` so `redact` removes them even outside a URL; returns them
 * (the action hands each to core.setSecret before anything is printed).
 */
function rememberUrlSecrets(urls) {
    const found = [];
    for (const url of urls) {
        if (!url)
            continue;
        for (const secret of secretsOfUrl(url)) {
            remembered.add(secret);
            found.push(secret);
        }
    }
    return found;
}
/** pip's own settings that may carry credentials: they surface in its output like ours. */
function pipEnvUrls(env) {
    return ['PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_FIND_LINKS'].flatMap((name) => (env[name] ?? '').split(/\s+/).filter(Boolean));
}
/** `text` with every URL's credentials and every remembered secret replaced by ****. */
function redact(text) {
    let result = text.replace(URL_USERINFO, `$1${MASK}@`);
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of [...remembered].sort((a, b) => b.length - a.length)) {
        if (result.includes(secret))
            result = result.replace(new RegExp(escapeRegExp(secret), 'g'), MASK);
    }
    return result;
}
/** Forgets remembered secrets: for tests that plant different ones. */
function forgetSecrets() {
    remembered.clear();
}


/***/ }),

/***/ 665:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   D0: () => (/* binding */ cliSummary),
/* harmony export */   mg: () => (/* binding */ functionLines),
/* harmony export */   pq: () => (/* binding */ countOf),
/* harmony export */   z3: () => (/* binding */ formatBytes)
/* harmony export */ });
/* unused harmony exports sizeBar, resolverLine, inputLine, importProofLine, summaryMarkdown, functionResult, functionTable, functionAnnotations */
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}
/** "1 binary", "3 binaries". */
function countOf(n, singular, plural) {
    return `${n} ${n === 1 ? singular : plural}`;
}
/** A bar of up to `width` cells proportional to value/max; at least one cell for non-zero. */
function sizeBar(value, max, width = 20) {
    if (max <= 0 || value <= 0)
        return '';
    const cells = Math.max(1, Math.round((value / max) * width));
    return '█'.repeat(cells);
}
/** The platform part of a wheel's tags, e.g. manylinux_2_17_x86_64 or any. */
function wheelPlatform(tags) {
    return tags.split('-').at(-1) ?? tags;
}
/**
 * Which pip chose the packages and for which marker environment (the variables a requirement's
 * `; marker` can test), e.g. "pip 26.2.1 · markers: sys_platform linux, platform_machine aarch64, ...".
 */
function resolverLine(manifest) {
    const r = manifest.resolver;
    if (!r)
        return undefined;
    const shown = Object.entries(r.markerEnvironment)
        .map(([name, value]) => `${name} ${value === '' ? '""' : value}`)
        .join(', ');
    return `Resolved by pip ${r.pip} with the target's environment markers: ${shown}.`;
}
const INPUT_FORMATS = {
    requirements: 'requirements file',
    pyproject: 'pyproject.toml, resolved by pip',
    pylock: 'pylock.toml (PEP 751), locked versions and hashes',
    'uv-lock': 'uv.lock, locked versions and hashes',
    'poetry-lock': 'poetry.lock, locked versions and hashes',
    'pipfile-lock': 'Pipfile.lock, locked versions and hashes',
};
/** "Input: uv.lock (uv.lock, locked versions and hashes)"; undefined for older manifests. */
function inputLine(manifest) {
    const input = manifest.input;
    if (!input)
        return undefined;
    return `Input: ${input.file} (${INPUT_FORMATS[input.format] ?? input.format}).`;
}
/**
 * One line on the import proof: what was imported, where and how long, or why it did not run.
 * Undefined for manifests from before the proof existed (restored from an older cache).
 */
function importProofLine(proof) {
    if (!proof)
        return undefined;
    if (proof.status !== 'passed')
        return `Import proof: ${proof.status}${proof.reason ? ` (${proof.reason})` : ''}.`;
    const distributions = new Set(proof.modules.map((m) => m.distribution)).size;
    const where = proof.mode === 'emulated'
        ? `under ${proof.emulator?.path ?? 'emulation'} (${proof.interpreter?.machine})`
        : `natively (${proof.interpreter?.machine})`;
    const seconds = ((proof.durationMs ?? 0) / 1000).toFixed(1);
    return (`Import proof: ${proof.modules.map((m) => m.module).join(', ')} (${countOf(distributions, 'distribution', 'distributions')}) ` +
        `imported by Python ${proof.interpreter?.version} ${proof.interpreter?.path} ${where} in ${seconds} s.`);
}
function summaryMarkdown(result) {
    const { manifest } = result;
    const t = manifest.target;
    const lines = [];
    lines.push(`## Lambda layer: ${t.runtime} ${t.architecture}`);
    lines.push('');
    lines.push(`Target ${t.os}, glibc ${t.glibc}, Python ${t.pythonVersion} · ` +
        `${result.cacheHit ? 'cache hit (pip skipped)' : 'cache miss (built)'} · ` +
        `zip ${formatBytes(manifest.layer.zipSize)}, unzipped ${formatBytes(manifest.layer.unzippedSize)}, ` +
        `${manifest.layer.fileCount} files`);
    lines.push('');
    const input = inputLine(manifest);
    if (input)
        lines.push(input, '');
    const resolver = resolverLine(manifest);
    if (resolver)
        lines.push(resolver, '');
    const max = Math.max(0, ...manifest.packages.map((p) => p.size));
    lines.push('| Package | Version | Wheel | Size | |');
    lines.push('|---|---|---|---:|---|');
    for (const p of [...manifest.packages].sort((a, b) => b.size - a.size)) {
        const source = p.builtFromSource ? ' (built from source)' : '';
        lines.push(`| ${p.name} | ${p.version} | \`${wheelPlatform(p.tags)}\`${source} | ${formatBytes(p.size)} | ${sizeBar(p.size, max)} |`);
    }
    lines.push('');
    const v = manifest.verification;
    if (v) {
        lines.push(v.ok
            ? `**Verification passed**: ${countOf(v.checkedBinaries, 'binary matches', 'binaries match')} ${t.architecture} and glibc ${t.glibc}.`
            : `**Verification failed**: ${v.findings.length} problem(s).`);
        for (const f of v.findings)
            lines.push(`- \`${f.file}\`: ${f.problem}`);
        for (const w of v.warnings)
            lines.push(`- warning: ${w}`);
        if (v.largest.length > 0) {
            lines.push('');
            lines.push(`Largest: ${v.largest.map((l) => `${l.name} ${formatBytes(l.size)}`).join(', ')}`);
        }
        lines.push('');
    }
    const b = manifest.bytecode;
    lines.push(b.mode === 'none'
        ? `Bytecode: none shipped${b.reason ? ` (${b.reason})` : ''}.`
        : `Bytecode: ${b.compiled} files compiled by ${b.interpreter?.path ?? '?'} (${b.interpreter?.version ?? '?'}), ${b.mode}.`);
    lines.push('');
    const proof = importProofLine(manifest.importProof);
    if (proof)
        lines.push(proof, '');
    if (result.publish) {
        lines.push('| Region | Layer version ARN | |');
        lines.push('|---|---|---|');
        for (const r of result.publish) {
            const state = r.error ? `failed: ${r.error}` : r.reused ? 'reused (same CodeSha256)' : 'published';
            lines.push(`| ${r.region} | ${r.layerVersionArn ? `\`${r.layerVersionArn}\`` : '-'} | ${state} |`);
        }
        lines.push('');
    }
    if (result.deploy) {
        const d = result.deploy;
        lines.push(`Deployed stage **${d.stage}**${d.endpoint ? `: ${d.endpoint}` : ''}`);
        if (d.smokeTest) {
            lines.push(`Smoke test GET ${d.smokeTest.url}: ${d.smokeTest.status ?? 'no answer'} ${d.smokeTest.ok ? '✅' : '❌'}`);
        }
        lines.push('');
        const rows = d.functions ?? (d.smokeTestDiagnosis ? [d.smokeTestDiagnosis] : []);
        if (rows.length > 0) {
            lines.push(...functionTable(rows));
            lines.push('');
        }
    }
    return lines.join('\n');
}
/** A table cell: one line, no pipes. */
function cell(text, max = 160) {
    const line = text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
    return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
/** "ok (HTTP 200)", "❌ Runtime.ImportModuleError: ...", "skipped: ..." */
function functionResult(check) {
    if (check.result === 'skipped')
        return `skipped: ${check.skipped ?? ''}`;
    if (check.result === 'ok')
        return `✅ ok${check.httpStatus ? ` (HTTP ${check.httpStatus})` : ''}`;
    return `❌ ${check.error?.type}: ${check.error?.message}`;
}
function durationOf(check) {
    const r = check.report;
    if (!r)
        return '-';
    const init = r.initDurationMs !== undefined ? ` + init ${r.initDurationMs.toFixed(0)} ms` : '';
    return `${r.durationMs.toFixed(r.durationMs < 10 ? 1 : 0)} ms${init} (billed ${r.billedDurationMs ?? '?'} ms)`;
}
function memoryOf(check) {
    const r = check.report;
    if (!r || r.maxMemoryUsedMb === undefined)
        return '-';
    return `${r.maxMemoryUsedMb} / ${r.memorySizeMb ?? '?'} MB`;
}
/** The job summary's table of invoked functions. */
function functionTable(checks) {
    return [
        '| Function | Trigger | Result | Duration | Memory (max / size) |',
        '|---|---|---|---:|---:|',
        ...checks.map((c) => `| ${c.key} (\`${c.name}\`) | ${c.trigger} | ${cell(functionResult(c))} | ${durationOf(c)} | ${memoryOf(c)} |`),
    ];
}
/** The CLI's lines for the same rows. */
function functionLines(checks) {
    const width = Math.max(8, ...checks.map((c) => c.key.length));
    const tw = Math.max(7, ...checks.map((c) => c.trigger.length));
    return [
        `  ${'function'.padEnd(width)}  ${'trigger'.padEnd(tw)}  result`,
        ...checks.map((c) => {
            const figures = c.result === 'skipped' ? '' : `  ${durationOf(c)}, ${memoryOf(c)}`;
            return `  ${c.key.padEnd(width)}  ${c.trigger.padEnd(tw)}  ${cell(functionResult(c), 120).replace(/^[✅❌] /u, '')}${figures}`;
        }),
    ];
}
/** One error annotation per failed function: the title names it, the message has the log tail. */
function functionAnnotations(checks, describe) {
    return checks
        .filter((c) => c.result === 'failed')
        .map((c) => ({ title: `${c.key} (${c.name}) failed: ${c.error?.type}`, message: describe(c) }));
}
/** The CLI's closing lines: where the zip is and what is in it. */
function cliSummary(result) {
    const { manifest } = result;
    const width = Math.max(7, ...manifest.packages.map((p) => p.name.length));
    const vwidth = Math.max(7, ...manifest.packages.map((p) => p.version.length));
    const max = Math.max(0, ...manifest.packages.map((p) => p.size));
    const rows = [...manifest.packages]
        .sort((a, b) => b.size - a.size)
        .map((p) => `  ${p.name.padEnd(width)}  ${p.version.padEnd(vwidth)}  ${formatBytes(p.size).padStart(10)}  ${sizeBar(p.size, max, 16).padEnd(16)}  ${wheelPlatform(p.tags)}${p.builtFromSource ? ' (built from source)' : ''}`);
    const t = manifest.target;
    const verb = result.cacheHit ? 'Restored from cache' : 'Built';
    const proof = importProofLine(manifest.importProof);
    const input = inputLine(manifest);
    return [
        `${verb} ${result.zipPath} for ${t.runtime} ${t.architecture} (${t.os}, glibc ${t.glibc})`,
        `  zip ${formatBytes(manifest.layer.zipSize)}, unzipped ${formatBytes(manifest.layer.unzippedSize)}, ${manifest.layer.fileCount} files, CodeSha256 ${manifest.layer.codeSha256}`,
        ...(manifest.resolver
            ? [
                `  resolved by pip ${manifest.resolver.pip} for sys_platform ${manifest.resolver.markerEnvironment.sys_platform}, ` +
                    `platform_machine ${manifest.resolver.markerEnvironment.platform_machine}, ` +
                    `python_full_version ${manifest.resolver.markerEnvironment.python_full_version} (manifest.json lists every marker)`,
            ]
            : []),
        ...(input ? [`  ${input}`] : []),
        ...(proof ? [`  ${proof}`] : []),
        '',
        `  ${'package'.padEnd(width)}  ${'version'.padEnd(vwidth)}  ${'size'.padStart(10)}`,
        ...rows,
    ].join('\n');
}


/***/ }),

/***/ 726:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  A: () => (/* binding */ findInterpreter),
  f: () => (/* binding */ findPipPython)
});

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(1421);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
// EXTERNAL MODULE: ./src/pep440.ts
var pep440 = __nccwpck_require__(936);
// EXTERNAL MODULE: ./src/programs.ts
var programs = __nccwpck_require__(4122);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(1455);
;// CONCATENATED MODULE: ./src/resolve/interpreter-candidates.ts
/**
 * Where Python interpreters live on Linux, macOS and Windows hosts, as commands to try in order.
 * Only the layout: nothing here runs a candidate (interpreters.ts probes each one). The host
 * (platform, CPU, environment, file system) is a parameter, so the Windows and macOS layouts are
 * tested on any machine over a fake file system.
 */





const PROBE_TIMEOUT_MS = 20_000;
/** The machine this process runs on. */
function currentHost(env = process.env) {
    return {
        platform: process.platform,
        arch: process.arch,
        env,
        readdir: (dir) => (0,promises_.readdir)(dir).catch(() => []),
        isExecutable: (path) => (0,promises_.access)(path, external_node_fs_.constants.X_OK).then(() => true, () => false),
        pyenvRoot: (pyenv) => new Promise((resolve) => {
            (0,external_node_child_process_.execFile)(pyenv, ['root'], { env, timeout: PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined));
        }),
    };
}
const isWindows = (host) => host.platform === 'win32';
const pathModule = (host) => (isWindows(host) ? external_node_path_.win32 : external_node_path_.posix);
const path = (command) => ({ command, args: [] });
/** An environment variable; Windows names are case-insensitive (a copied env keeps "Path"). */
function envValue(host, name) {
    if (host.env[name] !== undefined || !isWindows(host))
        return host.env[name];
    const key = Object.keys(host.env).find((k) => k.toUpperCase() === name);
    return key ? host.env[key] : undefined;
}
function newestFirst(a, b) {
    return (0,pep440/* compareVersions */.Zy)(b, a);
}
/** Every executable `name` on PATH, in PATH order (`name.exe` on Windows). */
async function onPath(host, name) {
    const { join, delimiter } = pathModule(host);
    const file = isWindows(host) ? `${name}.exe` : name;
    const found = [];
    for (const dir of (envValue(host, 'PATH') ?? '').split(delimiter).filter(Boolean)) {
        const candidate = join(dir, file);
        if (await host.isExecutable(candidate))
            found.push(candidate);
    }
    return found;
}
/** Version directory names ("3.11.7") under `dir` starting with `prefix`, newest first. */
async function versionDirs(host, dir, prefix) {
    const names = await host.readdir(dir);
    return names.filter((n) => /^\d+\.\d+/.test(n) && n.startsWith(prefix)).sort(newestFirst);
}
/**
 * actions/setup-python's tool cache: RUNNER_TOOL_CACHE/Python/<version>/<arch>/bin/python3 on
 * Linux and macOS, RUNNER_TOOL_CACHE\Python\<version>\<arch>\python.exe on Windows.
 */
async function toolCache(host, prefix) {
    const cache = envValue(host, 'RUNNER_TOOL_CACHE');
    if (!cache)
        return [];
    const { join } = pathModule(host);
    const arches = host.arch === 'arm64' ? ['arm64', 'x64'] : ['x64', 'arm64'];
    const root = join(cache, 'Python');
    const tail = isWindows(host) ? ['python.exe'] : ['bin', 'python3'];
    return (await versionDirs(host, root, prefix)).flatMap((v) => arches.map((a) => join(root, v, a, ...tail)));
}
/** pyenv (versions/<v>/bin/python3) and pyenv-win (versions\<v>\python.exe). */
async function pyenv(host, prefix) {
    let root = envValue(host, 'PYENV_ROOT');
    if (!root) {
        const [executable] = await onPath(host, 'pyenv');
        root = executable ? await host.pyenvRoot(executable) : undefined;
    }
    if (!root)
        return [];
    const { join } = pathModule(host);
    const tail = isWindows(host) ? ['python.exe'] : ['bin', 'python3'];
    return (await versionDirs(host, join(root, 'versions'), prefix)).map((v) => join(root, 'versions', v, ...tail));
}
/**
 * python.org installers that did not put Python on PATH (the Windows default): per user in
 * %LOCALAPPDATA%\Programs\Python\Python311, for all users in %ProgramFiles%\Python311; the macOS
 * framework in /Library/Frameworks/Python.framework/Versions/3.11.
 */
async function pythonOrgInstalls(host, minor) {
    if (isWindows(host)) {
        const roots = [
            envValue(host, 'LOCALAPPDATA') &&
                external_node_path_.win32.join(envValue(host, 'LOCALAPPDATA') ?? '', 'Programs', 'Python'),
            envValue(host, 'ProgramFiles'),
        ].filter((r) => Boolean(r));
        const wanted = minor ? `Python${minor.replace('.', '')}` : undefined;
        const found = [];
        for (const root of roots) {
            const names = (await host.readdir(root)).filter((n) => /^Python3\d+$/.test(n));
            for (const name of names.sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))) {
                if (!wanted || name === wanted)
                    found.push(external_node_path_.win32.join(root, name, 'python.exe'));
            }
        }
        return found;
    }
    if (host.platform === 'darwin') {
        const root = '/Library/Frameworks/Python.framework/Versions';
        const versions = (await host.readdir(root)).filter((v) => /^3\.\d+$/.test(v) && (!minor || v === minor));
        return versions.sort(newestFirst).map((v) => external_node_path_.posix.join(root, v, 'bin', 'python3'));
    }
    return [];
}
/**
 * Interpreters of exactly `minor` ("3.11"), most likely first: python3.11 on PATH (`py -3.11` on
 * Windows), the runner tool cache, pyenv, python.org installs. Lazy: later places are only
 * looked at when the earlier ones had nothing that runs.
 */
async function* candidatesForVersion(minor, host) {
    if (isWindows(host)) {
        for (const launcher of await onPath(host, 'py'))
            yield { command: launcher, args: [`-${minor}`] };
    }
    else {
        for (const found of await onPath(host, `python${minor}`))
            yield path(found);
    }
    for (const found of await toolCache(host, `${minor}.`))
        yield path(found);
    for (const found of await pyenv(host, `${minor}.`))
        yield path(found);
    for (const found of await pythonOrgInstalls(host, minor))
        yield path(found);
}
/** Any Python 3, most likely first: python3/python on PATH (`py -3` on Windows), then the rest. */
async function* anyCandidates(host) {
    for (const name of ['python3', 'python'])
        for (const found of await onPath(host, name))
            yield path(found);
    if (isWindows(host)) {
        for (const launcher of await onPath(host, 'py'))
            yield { command: launcher, args: ['-3'] };
    }
    for (const found of await toolCache(host, ''))
        yield path(found);
    for (const found of await pyenv(host, ''))
        yield path(found);
    for (const found of await pythonOrgInstalls(host))
        yield path(found);
}
/** The candidate as a person would type it. */
const displayCandidate = (candidate) => [candidate.command, ...candidate.args].join(' ');

// EXTERNAL MODULE: ./src/resolve/pinned-pip.ts
var pinned_pip = __nccwpck_require__(1476);
;// CONCATENATED MODULE: ./src/resolve/interpreters.ts
/**
 * Finds Python interpreters on the host: one to run the pinned pip (any CPython the pinned pip
 * supports; see pinned-pip.ts) and, for bytecode, one of exactly the target's minor version.
 * Where to look (PATH, `py` launcher, tool cache, pyenv, python.org installs) is
 * interpreter-candidates.ts; every candidate is verified here by running it: pyenv shims exist
 * for versions that are not active and fail when run, Windows has Store stubs named python.exe.
 */







const MIN_PYTHON = pinned_pip/* PINNED_PIP */.N.minimumPython;
const interpreters_PROBE_TIMEOUT_MS = 20_000;
// Each candidate is probed once per process: the build looks up interpreters for pip and for
// bytecode, and the action once more up front.
const probes = new Map();
function runProbe(candidate, env) {
    const key = [displayCandidate(candidate), env.PATH, env.PYENV_VERSION, env.VIRTUAL_ENV].join('\0');
    let probe = probes.get(key);
    if (!probe) {
        probe = probeInterpreter(candidate, env);
        probes.set(key, probe);
    }
    return probe;
}
function probeInterpreter(candidate, env) {
    return new Promise((resolve) => {
        (0,external_node_child_process_.execFile)(candidate.command, [...candidate.args, '-c', (0,programs/* programSource */.a)('resolve/probe_interpreter.py')], { env, timeout: interpreters_PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' }, (error, stdout) => {
            const [version, executable] = stdout.trim().split(/\r?\n/);
            if (error || !version || !/^\d+\.\d+\.\d+$/.test(version)) {
                resolve(undefined);
                return;
            }
            resolve({
                version,
                executable: executable && (0,external_node_path_.isAbsolute)(executable) ? executable : candidate.command,
            });
        });
    });
}
const minorOf = (version) => version.split('.').slice(0, 2).join('.');
async function firstMatching(candidates, check, env, log) {
    const tried = new Set();
    for await (const candidate of candidates) {
        const shown = displayCandidate(candidate);
        if (tried.has(shown))
            continue;
        tried.add(shown);
        const probe = await runProbe(candidate, env);
        if (!probe) {
            log?.debug(`python candidate ${shown}: does not run`);
            continue;
        }
        const result = check(probe);
        log?.debug(`python candidate ${shown}: ${probe.version}${result ? ' (chosen)' : ''}`);
        if (result)
            return result;
    }
    return undefined;
}
const WHERE_LOOKED = 'on PATH, through the py launcher, in the runner tool cache, in pyenv or in python.org install folders';
/**
 * A host Python to run the pinned pip (Python >= the pinned pip's minimum; its version does not
 * matter otherwise: markers and Requires-Python are evaluated for the target). `explicit` when
 * given (it must qualify), else python3/python on PATH, `py -3`, the runner tool cache, pyenv.
 */
/** The interpreter the user named (an input or flag), which must run. */
async function probeExplicit(explicit, input, env) {
    const probe = await runProbe({ command: explicit, args: [] }, env);
    if (!probe)
        throw new errors/* InputError */.dz(input, `${explicit} does not run as a Python interpreter`);
    return probe;
}
async function findPipPython(explicit, options = {}) {
    const env = options.env ?? options.host?.env ?? process.env;
    const check = (probe) => (0,pep440/* isAtLeast */.du)(probe.version, MIN_PYTHON) ? { path: probe.executable, version: probe.version } : undefined;
    const needs = `the build runs pip ${pinned_pip/* PINNED_PIP */.N.version}, which needs Python >= ${MIN_PYTHON}`;
    if (explicit) {
        const input = options.inputName ?? 'python';
        const probe = await probeExplicit(explicit, input, env);
        const found = check(probe);
        if (!found) {
            throw new errors/* InputError */.dz(input, `${explicit} is Python ${probe.version}; ${needs}`, {
                hint: `pass a Python ${MIN_PYTHON} or newer (any version: it only runs pip)`,
            });
        }
        options.log?.info(`Using Python ${found.version} at ${found.path} to run pip`);
        return found;
    }
    const host = options.host ?? currentHost(env);
    const found = await firstMatching(anyCandidates(host), check, env, options.log);
    if (!found) {
        throw new errors/* UserError */.yo(`no Python >= ${MIN_PYTHON} found ${WHERE_LOOKED}; ${needs}`, {
            hint: 'install one (actions/setup-python in a workflow, python.org or your package manager) or pass its path with --python / input "python"',
        });
    }
    options.log?.info(`Using Python ${found.version} at ${found.path} to run pip`);
    return found;
}
/**
 * An interpreter of exactly `minorVersion` ("3.11"): `explicit` when given (an InputError when
 * it is another version), else python3.11 on PATH (`py -3.11` on Windows), the runner tool
 * cache, pyenv's versions, python.org installs. Undefined when the host has none.
 */
async function findInterpreter(minorVersion, explicit, options = {}) {
    const env = options.env ?? options.host?.env ?? process.env;
    const check = (probe) => minorOf(probe.version) === minorVersion ? { path: probe.executable, version: probe.version } : undefined;
    if (explicit) {
        const input = options.inputName ?? 'python';
        const probe = await probeExplicit(explicit, input, env);
        const found = check(probe);
        if (!found) {
            throw new errors/* InputError */.dz(input, `${explicit} is Python ${probe.version}; the target needs Python ${minorVersion}`);
        }
        options.log?.info(`Using Python ${found.version} at ${found.path} for Python ${minorVersion}`);
        return found;
    }
    const host = options.host ?? currentHost(env);
    const found = await firstMatching(candidatesForVersion(minorVersion, host), check, env, options.log);
    if (found)
        options.log?.info(`Using Python ${found.version} at ${found.path} for Python ${minorVersion}`);
    else
        options.log?.debug(`no Python ${minorVersion} interpreter found ${WHERE_LOOKED}`);
    return found;
}


/***/ }),

/***/ 1476:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   C: () => (/* binding */ ensurePinnedPip),
/* harmony export */   N: () => (/* binding */ PINNED_PIP)
/* harmony export */ });
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(7598);
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_crypto__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(1455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(3916);
/* harmony import */ var _programs_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(4122);
/* harmony import */ var _run_python_js__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(9416);
/**
 * The one pip the build runs, whatever the host has: fetched once from the user's own indexes
 * (pip's configuration plus the build's index inputs), checked against the sha256 pinned here,
 * unpacked into the tool cache (beside the layer cache) and run from there by any host Python
 * the pinned pip supports. Pinning pip makes the resolver, and the patch level of every rule it
 * applies, the same on every machine.
 */







// pip 26.2.1 from PyPI (https://pypi.org/project/pip/26.2.1/#files); its METADATA says
// Requires-Python >=3.10 (it uses dataclass(slots=True)), so that is the oldest host Python.
const PINNED_PIP = {
    version: '26.2.1',
    filename: 'pip-26.2.1-py3-none-any.whl',
    sha256: '71138adf1f4ca900cdb7d289c21b7494329f2332b6d85f0e1c42108c0384ed3e',
    minimumPython: '3.10',
};
const BOOTSTRAP_TIMEOUT_MS = 5 * 60_000;
/** Written last into a complete unpacked pip: its presence means the directory is whole. */
const COMPLETE = 'lambda-layer-pip.sha256';
const NO_PIP_EXIT = 3;
async function sha256File(path) {
    const hash = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256');
    for await (const chunk of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.createReadStream)(path))
        hash.update(chunk);
    return hash.digest('hex');
}
/**
 * Compiles the unpacked pip's modules once. pip imports some 300 of them on every run; without
 * bytecode beside them each run compiles them again, and where PYTHONDONTWRITEBYTECODE is set
 * (common in containers, and on this project's build machines) Python never writes any: each pip
 * run then took 0.71 s instead of 0.33 s. Best effort: a read-only tool cache only costs time.
 */
async function compilePip(home, params) {
    const run = await (0,_run_python_js__WEBPACK_IMPORTED_MODULE_6__/* .runPython */ .w)(params.python.path, ['-m', 'compileall', '-q', '-j', '0', (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(home, 'pip')], {
        log: params.log,
        env: params.env,
        timeoutMs: 120_000,
        quiet: true,
    }).catch((error) => ({ code: -1, output: String(error) }));
    if (run.code !== 0)
        params.log.debug(`pip's bytecode not compiled (${lastLines(run.output)})`);
}
/** The cached pinned pip when it is there and whole, else undefined. */
async function cachedPip(home, release) {
    const stamp = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readFile)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(home, COMPLETE), 'utf8').catch(() => undefined);
    return stamp?.trim() === release.sha256 && (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(home, 'pip', '__main__.py'));
}
/**
 * The pinned pip, from the tool cache or fetched into it. A fetched wheel whose sha256 is not
 * the pinned one is refused (pip checks it, then this function again before unpacking).
 */
async function ensurePinnedPip(params) {
    const release = params.release ?? PINNED_PIP;
    const home = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(params.toolCacheDir, `pip-${release.version}`);
    const pinned = { version: release.version, home, python: params.python };
    if (await cachedPip(home, release)) {
        params.log.info(`Using pip ${release.version} from the tool cache ${home}`);
        // A tool cache filled before pip was compiled there.
        if (!(0,node_fs__WEBPACK_IMPORTED_MODULE_1__.existsSync)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(home, 'pip', '__pycache__')))
            await compilePip(home, params);
        return pinned;
    }
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.mkdir)(params.toolCacheDir, { recursive: true });
    // Fill a private folder, then rename it into place: concurrent builds never see half a pip.
    const partial = await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(params.toolCacheDir, `.pip-${release.version}-`));
    try {
        const wheel = await downloadPip(release, partial, params);
        const actual = await sha256File(wheel);
        if (actual !== release.sha256)
            throw hashMismatch(release, actual);
        const unpacked = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(partial, 'unpacked');
        const unpack = await (0,_run_python_js__WEBPACK_IMPORTED_MODULE_6__/* .runPython */ .w)(params.python.path, [(0,_programs_js__WEBPACK_IMPORTED_MODULE_5__/* .programPath */ .k)('resolve/pip_bootstrap.py'), 'unpack', wheel, unpacked], { log: params.log, env: params.env, timeoutMs: 60_000, quiet: true });
        if (unpack.code !== 0) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`cannot unpack ${release.filename} into ${unpacked}:\n${lastLines(unpack.output)}`, {
                hint: `check that ${params.toolCacheDir} is writable and has free space`,
            });
        }
        await compilePip(unpacked, params);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.writeFile)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(unpacked, COMPLETE), `${release.sha256}\n`);
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rm)(home, { recursive: true, force: true });
        try {
            await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rename)(unpacked, home);
        }
        catch (error) {
            // Another build put the same pip there first: use it.
            if (!(await cachedPip(home, release)))
                throw error;
        }
        params.log.info(`Fetched pip ${release.version} (sha256 ${release.sha256}) into the tool cache ${home}`);
        return pinned;
    }
    finally {
        await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.rm)(partial, { recursive: true, force: true });
    }
}
/** Runs pip_bootstrap.py download; returns the wheel's path or throws one clear UserError. */
async function downloadPip(release, dir, params) {
    const requirements = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, 'pinned-pip.txt');
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.writeFile)(requirements, `pip==${release.version} --hash=sha256:${release.sha256}\n`);
    const dest = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dir, 'download');
    const timeoutMs = params.timeoutMs ?? BOOTSTRAP_TIMEOUT_MS;
    params.log.info(`Fetching pip ${release.version} once, from the configured package indexes`);
    const run = await (0,_run_python_js__WEBPACK_IMPORTED_MODULE_6__/* .runPython */ .w)(params.python.path, [(0,_programs_js__WEBPACK_IMPORTED_MODULE_5__/* .programPath */ .k)('resolve/pip_bootstrap.py'), 'download', dest, requirements, ...params.indexFlags], { log: params.log, env: params.env, cwd: dir, timeoutMs, quiet: true });
    const needed = `the build runs pip ${release.version} (${release.filename}, sha256 ${release.sha256})`;
    if (run.timedOut) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`fetching pip ${release.version} did not finish within ${timeoutMs / 1000} s`, {
            hint: 'check that the package indexes answer and try again',
        });
    }
    if (run.code === NO_PIP_EXIT) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`${params.python.path} has no pip to fetch pip ${release.version} with (no pip module, no ensurepip wheel)`, {
            hint: `install pip for it (e.g. apt-get install python3-pip), pass another interpreter with --python, or put ${release.filename} in a --find-links directory`,
        });
    }
    if (run.code !== 0) {
        if (/DO NOT MATCH THE HASHES/.test(run.output))
            throw hashMismatch(release);
        if (/No matching distribution found for pip|Could not find a version that satisfies the requirement pip/.test(run.output)) {
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`no configured package index offers pip ${release.version}: ${needed}`, {
                hint: `add an index that has it (--index-url / --extra-index-url or pip's configuration), or download ${release.filename} and pass its directory with --find-links DIR`,
            });
        }
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`fetching pip ${release.version} failed:\n${lastLines(run.output)}`, {
            hint: `${needed}; check the package index settings (pip config list) and the network`,
        });
    }
    const wheel = (await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_2__.readdir)(dest).catch(() => [])).find((f) => f === release.filename);
    if (!wheel) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`pip ${release.version} was fetched but ${release.filename} is not among the files`, {
            hint: `${needed}; pass a directory holding that file with --find-links DIR`,
        });
    }
    return (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(dest, wheel);
}
function hashMismatch(release, actual) {
    return new _errors_js__WEBPACK_IMPORTED_MODULE_4__/* .UserError */ .yo(`the ${release.filename} the package index served does not have the pinned sha256 ${release.sha256}` +
        (actual ? ` (it has ${actual})` : '') +
        '; the build refuses to run it', {
        hint: 'the index serves a different file under that name: fix or replace the index (or its cache), never the pin',
    });
}
function lastLines(output, count = 12) {
    return output.trim().split('\n').slice(-count).join('\n');
}


/***/ }),

/***/ 9416:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   w: () => (/* binding */ runPython)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3916);
/* harmony import */ var _process_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(4006);
/** Runs a Python tool (pip) with its output streamed into the build log. */


// Noise that says nothing about this build.
const QUIET = [/^WARNING: Running pip as the 'root' user/, /^\s*$/];
/** Runs python with args in its own process group, streaming each output line to the log. */
async function runPython(python, args, options) {
    try {
        const result = await (0,_process_js__WEBPACK_IMPORTED_MODULE_1__/* .runProcess */ .R)(python, args, {
            cwd: options.cwd,
            env: { ...(options.env ?? process.env), PYTHONUNBUFFERED: '1' },
            timeoutMs: options.timeoutMs,
            onLine: options.quiet
                ? undefined
                : (line) => {
                    if (!QUIET.some((q) => q.test(line)))
                        options.log.info(`  ${line}`);
                },
        });
        return { code: result.code, output: result.output, timedOut: result.timedOut };
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .yo(`cannot run ${python}: ${error instanceof Error ? error.message : String(error)}`);
    }
}


/***/ }),

/***/ 3436:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   U: () => (/* binding */ explainError)
/* harmony export */ });
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3916);
/**
 * Errors nobody anticipated, said in one line. An operating-system error (a path that is a
 * file, a read-only disk, a name too long) names the path and what it means; anything else is
 * its message, with the stack left for --verbose / debug: a stack is never the message.
 */

const ERRNO_MEANING = {
    ENOENT: 'does not exist',
    EACCES: 'is not writable or readable by this user (permission denied)',
    EPERM: 'cannot be changed by this user (operation not permitted)',
    EROFS: 'is on a read-only file system',
    ENOSPC: 'cannot be written: the disk is full',
    EDQUOT: 'cannot be written: the disk quota is exceeded',
    ENAMETOOLONG: 'is too long a path for this system',
    ENOTDIR: 'has a file where a folder is expected',
    EISDIR: 'is a folder where a file is expected',
    EEXIST: 'already exists',
    ELOOP: 'has too many levels of symbolic links (a link pointing to itself?)',
    EMFILE: 'cannot be opened: too many open files',
};
function systemError(error) {
    const e = error;
    if (typeof e?.code !== 'string' || !(e.code in ERRNO_MEANING))
        return undefined;
    return {
        code: e.code,
        path: typeof e.path === 'string' ? e.path : undefined,
        syscall: typeof e.syscall === 'string' ? e.syscall : undefined,
    };
}
/** One line for an error the user sees; the stack (for a bug) is `detail`, shown only in debug. */
function explainError(error) {
    if (error instanceof _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UserError */ .yo)
        return { message: (0,_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .describeError */ .Uc)(error), expected: true };
    const system = systemError(error);
    if (system) {
        const what = system.path ?? 'a file';
        return {
            message: `${what} ${ERRNO_MEANING[system.code]} (${system.code}${system.syscall ? ` in ${system.syscall}` : ''})`,
            detail: error instanceof Error ? error.stack : undefined,
            expected: true,
        };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
        message: `unexpected error: ${message.split('\n')[0]} (a bug in lambda-layer; the trace is in the debug output: --verbose, or the runner's step debug logging)`,
        detail: error instanceof Error ? error.stack : undefined,
        expected: false,
    };
}


/***/ }),

/***/ 6746:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $A: () => (/* binding */ platformTags),
/* harmony export */   E3: () => (/* binding */ glibcLabel),
/* harmony export */   FZ: () => (/* binding */ LAMBDA_LIMITS),
/* harmony export */   JA: () => (/* binding */ DEFAULT_RUNTIME),
/* harmony export */   Qz: () => (/* binding */ DEFAULT_ARCHITECTURE),
/* harmony export */   aC: () => (/* binding */ RUNTIMES),
/* harmony export */   cK: () => (/* binding */ pipTargetFlags),
/* harmony export */   u1: () => (/* binding */ resolveTarget),
/* harmony export */   wp: () => (/* binding */ markerEnvironment)
/* harmony export */ });
/* unused harmony export abiTag */
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3916);
/**
 * The one home of Lambda facts: the Python runtime catalog, the service's size limits and the pip
 * flags that select wheels for a runtime. Pure and table-driven: no I/O, so every fact here is
 * tested without mocks. Everything else imports these; no other file writes a Lambda number.
 */

// Lambda runtimes: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
// Amazon Linux 2 ships glibc 2.26 and GCC 7.3's libstdc++ (GLIBCXX_3.4.24, CXXABI_1.3.11);
// Amazon Linux 2023 ships glibc 2.34 and GCC 11's libstdc++ (GLIBCXX_3.4.29, CXXABI_1.3.13).
const AL2 = {
    os: 'Amazon Linux 2',
    glibc: { major: 2, minor: 26 },
    glibcxx: '3.4.24',
    cxxabi: '1.3.11',
};
const AL2023 = {
    os: 'Amazon Linux 2023',
    glibc: { major: 2, minor: 34 },
    glibcxx: '3.4.29',
    cxxabi: '1.3.13',
};
// Patch levels: the newest upstream CPython release of each minor line when this table was
// written (python.org/downloads: 3.9.23, 3.10.18, 3.11.13, 3.12.11 and 3.13.5 of 2025-06-03;
// 3.14.0 of 2025-10-07). Lambda rolls patch releases into its managed runtimes on its own schedule
// (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html), so a running function may
// be a patch or two behind or ahead; `sys.version` inside a function shows the live one. Only
// `python_full_version` markers and patch-level Requires-Python pins ("!=3.12.0") can notice.
// Not checked against a live Lambda runtime from this repository (no AWS access here).
const PATCH_LEVELS = {
    '3.9': '3.9.23',
    '3.10': '3.10.18',
    '3.11': '3.11.13',
    '3.12': '3.12.11',
    '3.13': '3.13.5',
    '3.14': '3.14.0',
};
const runtime = (pythonVersion, os, deprecated = false) => ({
    runtime: `python${pythonVersion}`,
    pythonVersion,
    pythonFullVersion: PATCH_LEVELS[pythonVersion] ?? `${pythonVersion}.0`,
    ...os,
    deprecated,
});
const RUNTIMES = [
    runtime('3.9', AL2, true),
    runtime('3.10', AL2),
    runtime('3.11', AL2),
    runtime('3.12', AL2023),
    runtime('3.13', AL2023),
    runtime('3.14', AL2023),
];
/**
 * Lambda quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html) state
 * "250 MB" unzipped for a function and all its layers, "50 MB (zipped, for direct upload)" and
 * "5 layers" per function. GetAccountSettings reports the first two in bytes as CodeSizeUnzipped
 * 262,144,000 and CodeSizeZipped 52,428,800
 * (https://docs.aws.amazon.com/lambda/latest/api/API_AccountLimit.html; the example output of
 * https://docs.aws.amazon.com/cli/latest/reference/lambda/get-account-settings.html).
 */
const LAMBDA_LIMITS = {
    /** Function plus all its layers, extracted: a larger layer can never run. */
    unzippedBytes: 262_144_000,
    /**
     * Largest layer.zip the tool uploads directly (PublishLayerVersion with ZipFile); larger ones go
     * through S3, and the build warns above it. Not CodeSizeZipped (52,428,800) itself: the zip
     * travels base64-encoded inside a JSON body that Lambda caps at 69,905,067 bytes
     * (RequestEntityTooLargeException), so a zip near 52,428,800 bytes is refused once encoding and
     * the JSON around it are added. 50,000,000 keeps a margin, and build warning and publish path
     * agree on it.
     */
    directUploadZipBytes: 50_000_000,
    layersPerFunction: 5,
};
const DEFAULT_RUNTIME = 'python3.11';
const DEFAULT_ARCHITECTURE = 'x86_64';
/** Lambda calls it arm64; wheels and ELF call it aarch64. */
const WHEEL_ARCH = { x86_64: 'x86_64', arm64: 'aarch64' };
function resolveTarget(runtime = DEFAULT_RUNTIME, architecture = DEFAULT_ARCHITECTURE) {
    const facts = RUNTIMES.find((r) => r.runtime === runtime);
    if (!facts) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('runtime', `unknown Lambda runtime "${runtime}"; choose one of ${RUNTIMES.map((r) => r.runtime).join(', ')}`);
    }
    const arch = normalizeArchitecture(architecture);
    return { ...facts, architecture: arch, wheelArch: WHEEL_ARCH[arch] };
}
function normalizeArchitecture(value) {
    // Accept the wheel/ELF spellings too: users copy them from wheel file names.
    const aliases = {
        x86_64: 'x86_64',
        amd64: 'x86_64',
        arm64: 'arm64',
        aarch64: 'arm64',
    };
    const arch = aliases[value.trim().toLowerCase()];
    if (!arch) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_0__/* .InputError */ .dz('architecture', `unknown architecture "${value}"; choose x86_64 or arm64`);
    }
    return arch;
}
function glibcLabel(glibc) {
    return `${glibc.major}.${glibc.minor}`;
}
// PEP 600 legacy aliases: manylinux1 = glibc 2.5, manylinux2010 = 2.12 (x86 only),
// manylinux2014 = 2.17 (all arches).
const LEGACY_ALIASES = [
    { name: 'manylinux2014', minor: 17, arches: ['x86_64', 'aarch64'] },
    { name: 'manylinux2010', minor: 12, arches: ['x86_64'] },
    { name: 'manylinux1', minor: 5, arches: ['x86_64'] },
];
/**
 * Every platform tag the target can run, most specific first (pip prefers earlier tags).
 * pip matches `--platform` literally, so `manylinux2014_x86_64` alone would reject a wheel
 * tagged only `manylinux_2_26_x86_64`: list each `manylinux_2_N` up to the runtime's glibc.
 * Like pypa/packaging, aarch64 starts at glibc 2.17 (no older aarch64 manylinux exists).
 */
function platformTags(target) {
    const lowest = target.wheelArch === 'x86_64' ? 5 : 17;
    const tags = [];
    for (let minor = target.glibc.minor; minor >= lowest; minor--) {
        tags.push(`manylinux_2_${minor}_${target.wheelArch}`);
        for (const alias of LEGACY_ALIASES) {
            if (alias.minor === minor && alias.arches.includes(target.wheelArch)) {
                tags.push(`${alias.name}_${target.wheelArch}`);
            }
        }
    }
    return tags;
}
/** CPython ABI tag of the target interpreter, e.g. cp311. */
function abiTag(target) {
    return `cp${target.pythonVersion.replace('.', '')}`;
}
/**
 * The marker environment of the Lambda runtime: what `packaging.markers.default_environment()`
 * returns inside a function, with the kernel's release and version strings left empty (they
 * name Lambda's Firecracker kernel build, which no requirement should depend on and no layer
 * can know). `platform.machine()` on Lambda is x86_64 or aarch64, like the wheel tags.
 */
function markerEnvironment(target) {
    return {
        implementation_name: 'cpython',
        implementation_version: target.pythonFullVersion,
        os_name: 'posix',
        platform_machine: target.wheelArch,
        platform_release: '',
        platform_system: 'Linux',
        platform_version: '',
        python_full_version: target.pythonFullVersion,
        platform_python_implementation: 'CPython',
        python_version: target.pythonVersion,
        sys_platform: 'linux',
    };
}
/**
 * The pip flags that restrict resolution to wheels the target runs. pip requires
 * `--only-binary=:all:` (and `--target`, added by the installer) whenever `--platform` is set.
 */
function pipTargetFlags(target) {
    return [
        ...platformTags(target).flatMap((tag) => ['--platform', tag]),
        '--implementation',
        'cp',
        // The full version, so Requires-Python is checked against the same patch level as
        // python_full_version markers (pip would otherwise compare with X.Y.0).
        '--python-version',
        target.pythonFullVersion,
        '--abi',
        abiTag(target),
        '--only-binary=:all:',
    ];
}


/***/ }),

/***/ 1013:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  l: () => (/* binding */ TOOL_NAME),
  w: () => (/* binding */ TOOL_VERSION)
});

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/version.ts

const TOOL_NAME = 'lambda-layer';
const TOOL_VERSION = package_namespaceObject.rE;


/***/ }),

/***/ 4632:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   PG: () => (/* binding */ endOfArchive),
/* harmony export */   QR: () => (/* binding */ crc32),
/* harmony export */   Qp: () => (/* binding */ centralDirectoryHeader),
/* harmony export */   XA: () => (/* binding */ localFileHeader),
/* harmony export */   lX: () => (/* binding */ normalizedMode),
/* harmony export */   oT: () => (/* binding */ METHOD_DEFLATED),
/* harmony export */   y$: () => (/* binding */ METHOD_STORED)
/* harmony export */ });
/* unused harmony exports SIG_LOCAL_FILE, SIG_CENTRAL_FILE, SIG_END_OF_CENTRAL_DIR, SIG_ZIP64_END_OF_CENTRAL_DIR, SIG_ZIP64_LOCATOR, LOCAL_HEADER_SIZE, CENTRAL_HEADER_SIZE, END_OF_CENTRAL_DIR_SIZE, ZIP64_END_OF_CENTRAL_DIR_SIZE, ZIP64_LOCATOR_SIZE, FLAG_ENCRYPTED, FLAG_UTF8, ZIP64_EXTRA_ID, MAX_U16, MAX_U32, DOS_TIME_FIXED, DOS_DATE_FIXED, externalAttributes, needsUtf8Flag, needsZip64End */
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8522);
/* harmony import */ var node_zlib__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_zlib__WEBPACK_IMPORTED_MODULE_0__);
/**
 * The ZIP on-disk format (APPNOTE.TXT 6.3.x): record signatures, header encoders for the writer
 * and the CRC-32 both sides use. Pure functions over Buffers; no I/O.
 *
 * The writer only ever emits what determinism allows: a fixed DOS timestamp, Unix permissions
 * in the external attributes, no extra fields except ZIP64 sizes/offsets when a value does not
 * fit in 32 bits, no comments.
 */

const SIG_LOCAL_FILE = 0x04034b50;
const SIG_CENTRAL_FILE = 0x02014b50;
const SIG_END_OF_CENTRAL_DIR = 0x06054b50;
const SIG_ZIP64_END_OF_CENTRAL_DIR = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const LOCAL_HEADER_SIZE = 30;
const CENTRAL_HEADER_SIZE = 46;
const END_OF_CENTRAL_DIR_SIZE = 22;
const ZIP64_END_OF_CENTRAL_DIR_SIZE = 56;
const ZIP64_LOCATOR_SIZE = 20;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
/** General purpose flag bits. */
const FLAG_ENCRYPTED = (/* unused pure expression or super */ null && (1 << 0));
/** Bit 11: name (and comment) are UTF-8. */
const FLAG_UTF8 = 1 << 11;
const ZIP64_EXTRA_ID = 0x0001;
/** A 16- or 32-bit field holding this value means "see the ZIP64 record". */
const MAX_U16 = 0xffff;
const MAX_U32 = 0xffffffff;
/** "Version made by": high byte 3 = Unix (so readers honour the mode bits), low byte = spec 3.0 / 4.5. */
const MADE_BY_UNIX = 3 << 8;
const SPEC_VERSION_DEFAULT = 20;
const SPEC_VERSION_ZIP64 = 45;
const SPEC_VERSION_STORED = 10;
/**
 * 1980-01-01 00:00:00, the earliest DOS date: the same for every entry so the archive does not
 * depend on when or where it was built. (Python bytecode in the layer is hash-based, so mtimes
 * in the zip do not matter to the runtime.)
 */
const DOS_TIME_FIXED = 0;
const DOS_DATE_FIXED = (0 << 9) | (1 << 5) | 1;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** MS-DOS "directory" attribute in the low byte of the external attributes, as Info-ZIP sets it. */
const MSDOS_DIRECTORY = 0x10;
/** Fixed permissions: 0755 for directories and for files with any execute bit, else 0644. */
function normalizedMode(statMode, isDirectory) {
    if (isDirectory)
        return S_IFDIR | 0o755;
    return S_IFREG | ((statMode & 0o111) !== 0 ? 0o755 : 0o644);
}
function externalAttributes(mode, isDirectory) {
    // `>>> 0` keeps the value an unsigned 32-bit number (mode << 16 can reach the sign bit).
    return ((mode << 16) | (isDirectory ? MSDOS_DIRECTORY : 0)) >>> 0;
}
/** True when the name needs bit 11: any byte outside ASCII. */
function needsUtf8Flag(name) {
    for (const byte of name)
        if (byte > 0x7f)
            return true;
    return false;
}
// CRC-32 (ISO-HDLC, as ZIP uses). node:zlib.crc32 is native and exists from Node 20.15/22.2; the
// table version keeps older Node 20 releases working.
const CRC_TABLE = (() => {
    const table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
        let c = n;
        for (let k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        table[n] = c;
    }
    return table;
})();
function crc32Table(data, previous = 0) {
    let crc = ~previous;
    for (let i = 0; i < data.length; i++) {
        crc = CRC_TABLE[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
    }
    return ~crc >>> 0;
}
const nativeCrc32 = node_zlib__WEBPACK_IMPORTED_MODULE_0__.crc32;
/** CRC-32 of `data`, continuing from `previous` (the CRC of the bytes before it). */
function crc32(data, previous = 0) {
    return nativeCrc32 ? nativeCrc32(data, previous) : crc32Table(data, previous);
}
function versionNeeded(entry, zip64) {
    if (zip64)
        return SPEC_VERSION_ZIP64;
    return entry.method === METHOD_DEFLATED ? SPEC_VERSION_DEFAULT : SPEC_VERSION_STORED;
}
function flags(entry) {
    return needsUtf8Flag(entry.name) ? FLAG_UTF8 : 0;
}
function sizesNeedZip64(entry) {
    return entry.size >= MAX_U32 || entry.compressedSize >= MAX_U32;
}
/**
 * The local file header that precedes an entry's data. Sizes and CRC are known up front (the
 * writer compresses before writing), so no data descriptor is needed; a ZIP64 extra with both
 * sizes is added only when one of them does not fit in 32 bits.
 */
function localFileHeader(entry) {
    const zip64 = sizesNeedZip64(entry);
    const extraLength = zip64 ? 4 + 16 : 0;
    const header = Buffer.alloc(LOCAL_HEADER_SIZE + entry.name.length + extraLength);
    header.writeUInt32LE(SIG_LOCAL_FILE, 0);
    header.writeUInt16LE(versionNeeded(entry, zip64), 4);
    header.writeUInt16LE(flags(entry), 6);
    header.writeUInt16LE(entry.method, 8);
    header.writeUInt16LE(DOS_TIME_FIXED, 10);
    header.writeUInt16LE(DOS_DATE_FIXED, 12);
    header.writeUInt32LE(entry.crc32, 14);
    header.writeUInt32LE(zip64 ? MAX_U32 : entry.compressedSize, 18);
    header.writeUInt32LE(zip64 ? MAX_U32 : entry.size, 22);
    header.writeUInt16LE(entry.name.length, 26);
    header.writeUInt16LE(extraLength, 28);
    entry.name.copy(header, LOCAL_HEADER_SIZE);
    if (zip64) {
        const at = LOCAL_HEADER_SIZE + entry.name.length;
        header.writeUInt16LE(ZIP64_EXTRA_ID, at);
        header.writeUInt16LE(16, at + 2);
        header.writeBigUInt64LE(BigInt(entry.size), at + 4);
        header.writeBigUInt64LE(BigInt(entry.compressedSize), at + 12);
    }
    return header;
}
/** The central directory record of an entry; ZIP64 extra holds only the fields that overflow. */
function centralDirectoryHeader(entry) {
    const wide = [];
    if (entry.size >= MAX_U32)
        wide.push(BigInt(entry.size));
    if (entry.compressedSize >= MAX_U32)
        wide.push(BigInt(entry.compressedSize));
    if (entry.offset >= MAX_U32)
        wide.push(BigInt(entry.offset));
    const zip64 = wide.length > 0;
    const extraLength = zip64 ? 4 + 8 * wide.length : 0;
    const header = Buffer.alloc(CENTRAL_HEADER_SIZE + entry.name.length + extraLength);
    header.writeUInt32LE(SIG_CENTRAL_FILE, 0);
    header.writeUInt16LE(MADE_BY_UNIX | (zip64 ? SPEC_VERSION_ZIP64 : 30), 4);
    header.writeUInt16LE(versionNeeded(entry, zip64), 6);
    header.writeUInt16LE(flags(entry), 8);
    header.writeUInt16LE(entry.method, 10);
    header.writeUInt16LE(DOS_TIME_FIXED, 12);
    header.writeUInt16LE(DOS_DATE_FIXED, 14);
    header.writeUInt32LE(entry.crc32, 16);
    header.writeUInt32LE(Math.min(entry.compressedSize, MAX_U32), 20);
    header.writeUInt32LE(Math.min(entry.size, MAX_U32), 24);
    header.writeUInt16LE(entry.name.length, 28);
    header.writeUInt16LE(extraLength, 30);
    header.writeUInt16LE(0, 32); // comment length
    header.writeUInt16LE(0, 34); // disk number start
    header.writeUInt16LE(0, 36); // internal attributes
    header.writeUInt32LE(externalAttributes(entry.mode, entry.isDirectory), 38);
    header.writeUInt32LE(Math.min(entry.offset, MAX_U32), 42);
    entry.name.copy(header, CENTRAL_HEADER_SIZE);
    if (zip64) {
        let at = CENTRAL_HEADER_SIZE + entry.name.length;
        header.writeUInt16LE(ZIP64_EXTRA_ID, at);
        header.writeUInt16LE(8 * wide.length, at + 2);
        at += 4;
        for (const value of wide) {
            header.writeBigUInt64LE(value, at);
            at += 8;
        }
    }
    return header;
}
/** True when the end records need their ZIP64 forms (APPNOTE 4.4.1.4). */
function needsZip64End(cd) {
    return cd.entries >= MAX_U16 || cd.size >= MAX_U32 || cd.offset >= MAX_U32;
}
/**
 * The records after the central directory: ZIP64 end record and locator when needed, then the
 * classic end record (its overflowing fields set to all ones, pointing readers at ZIP64).
 */
function endOfArchive(cd) {
    const parts = [];
    if (needsZip64End(cd)) {
        const record = Buffer.alloc(ZIP64_END_OF_CENTRAL_DIR_SIZE);
        record.writeUInt32LE(SIG_ZIP64_END_OF_CENTRAL_DIR, 0);
        record.writeBigUInt64LE(BigInt(ZIP64_END_OF_CENTRAL_DIR_SIZE - 12), 4);
        record.writeUInt16LE(MADE_BY_UNIX | SPEC_VERSION_ZIP64, 12);
        record.writeUInt16LE(SPEC_VERSION_ZIP64, 14);
        record.writeUInt32LE(0, 16); // this disk
        record.writeUInt32LE(0, 20); // disk with central directory
        record.writeBigUInt64LE(BigInt(cd.entries), 24);
        record.writeBigUInt64LE(BigInt(cd.entries), 32);
        record.writeBigUInt64LE(BigInt(cd.size), 40);
        record.writeBigUInt64LE(BigInt(cd.offset), 48);
        const locator = Buffer.alloc(ZIP64_LOCATOR_SIZE);
        locator.writeUInt32LE(SIG_ZIP64_LOCATOR, 0);
        locator.writeUInt32LE(0, 4);
        locator.writeBigUInt64LE(BigInt(cd.offset + cd.size), 8);
        locator.writeUInt32LE(1, 16); // total disks
        parts.push(record, locator);
    }
    const end = Buffer.alloc(END_OF_CENTRAL_DIR_SIZE);
    end.writeUInt32LE(SIG_END_OF_CENTRAL_DIR, 0);
    end.writeUInt16LE(0, 4);
    end.writeUInt16LE(0, 6);
    end.writeUInt16LE(Math.min(cd.entries, MAX_U16), 8);
    end.writeUInt16LE(Math.min(cd.entries, MAX_U16), 10);
    end.writeUInt32LE(Math.min(cd.size, MAX_U32), 12);
    end.writeUInt32LE(Math.min(cd.offset, MAX_U32), 16);
    end.writeUInt16LE(0, 20); // comment length
    parts.push(end);
    return Buffer.concat(parts);
}


/***/ }),

/***/ 9100:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  JE: () => (/* binding */ extractZip),
  gw: () => (/* binding */ withZipArchive),
  qY: () => (/* binding */ zipFileError)
});

// UNUSED EXPORTS: MAX_ENTRIES, listZip, readZipEntry, safeTarget

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(7075);
;// CONCATENATED MODULE: external "node:stream/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __nccwpck_require__(8522);
// EXTERNAL MODULE: ./node_modules/yauzl/index.js
var yauzl = __nccwpck_require__(663);
// EXTERNAL MODULE: ./src/errors.ts
var errors = __nccwpck_require__(3916);
;// CONCATENATED MODULE: ./src/zip/containment.ts
/**
 * The extraction policy: what a zip may put on disk, decided from its central directory and its
 * symlink texts before anything is created. The zip format is yauzl's job; this is ours.
 *
 * - every name maps to a path under the destination (no absolute names, no `..`, no NUL; a
 *   backslash is a separator, as some Windows tools mean it);
 * - each path appears once, and is a file, a directory or a symlink, never two of them;
 * - nothing lies under a symlink entry (extracting it would write through the link);
 * - every symlink resolves inside the destination, following links through links over the tree
 *   the zip describes, as the kernel would; loops are refused;
 * - the declared sizes fit the caller's budget, and no two entries share archive bytes (the
 *   overlapping-entries zip bomb). The reader then holds each entry to its declared size.
 */

/** Linux limits: a name component (NAME_MAX), a whole path (PATH_MAX), symlinks followed (MAXSYMLINKS). */
const NAME_MAX = 255;
const PATH_MAX = 4096;
const MAX_LINK_DEPTH = 40;
/** A symlink's text is a path: longer than PATH_MAX cannot be one. */
const MAX_LINK_TEXT_BYTES = PATH_MAX - 1;
/** Minimum size of a local file header: an entry's data starts at least this far past its offset. */
const LOCAL_HEADER_SIZE = 30;
const REBUILD = 'The archive may be malicious or broken; rebuild it with relative paths inside the layer.';
function refuseEntry(zipPath, name, why, hint = REBUILD) {
    return new errors/* UserError */.yo(`Refusing to extract ${zipPath}: entry "${printable(name)}" ${why}`, { hint });
}
/** A name as it can be shown on one line: control characters (NUL, newlines) escaped. */
function printable(text) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is escaped
    return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
/**
 * The path an entry name stands for under the destination, `/`-separated ("" for the
 * destination itself, e.g. "./"), or a refusal naming the entry.
 */
function containment_entryKey(name, zipPath) {
    if (name.includes('\0'))
        throw refuseEntry(zipPath, name, 'contains a NUL byte');
    const normalized = name.replace(/\\/g, '/');
    if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) {
        throw refuseEntry(zipPath, name, 'is an absolute path');
    }
    const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
    if (parts.includes('..')) {
        throw refuseEntry(zipPath, name, 'climbs out of the destination with ".." (zip-slip)');
    }
    for (const part of parts) {
        if (Buffer.byteLength(part) > NAME_MAX) {
            throw refuseEntry(zipPath, name, `has a path component of ${Buffer.byteLength(part)} bytes; file systems allow ${NAME_MAX}`, 'Rename the file in the layer to a shorter name.');
        }
    }
    return parts.join('/');
}
function parentOf(key) {
    const slash = key.lastIndexOf('/');
    return slash < 0 ? '' : key.slice(0, slash);
}
/**
 * Checks every entry against the policy and says what to create. Throws on the first entry the
 * policy refuses; creates nothing.
 */
function containment_planExtraction(entries, zipPath, limits) {
    const kinds = new Map();
    const files = [];
    const links = [];
    let declared = 0;
    for (const entry of entries) {
        const key = containment_entryKey(entry.name, zipPath);
        if (key === '')
            continue; // the destination itself ("./")
        if (limits.destinationLength + 1 + Buffer.byteLength(key) >= PATH_MAX) {
            throw refuseEntry(zipPath, entry.name, `makes a path longer than the ${PATH_MAX - 1} bytes file systems allow`, 'Shorten the folder names in the layer (or extract it into a shorter folder).');
        }
        const kind = entry.isDirectory ? 'dir' : entry.isSymlink ? 'link' : 'file';
        const seen = kinds.get(key);
        if (seen) {
            throw seen.kind === kind
                ? refuseEntry(zipPath, entry.name, `appears twice${seen.name === entry.name ? '' : ` (also as "${printable(seen.name)}")`}`, 'Tools disagree on which copy wins; rebuild the zip with each path once.')
                : conflict(zipPath, key, seen, { kind, name: entry.name });
        }
        kinds.set(key, { kind, name: entry.name });
        if (kind === 'dir')
            continue;
        checkExtractable(entry, zipPath);
        declared += entry.size;
        (kind === 'link' ? links : files).push({ entry, key });
    }
    if (limits.maxBytes !== undefined && declared > limits.maxBytes) {
        throw new errors/* UserError */.yo(`${zipPath} unzips to ${declared} bytes, more than the ${limits.maxBytes} allowed`, {
            hint: 'Lambda allows 262144000 bytes unzipped for a function and its layers; split or trim the layer.',
        });
    }
    // Parents: every proper prefix of an entry must be (or become) a plain directory.
    const implied = new Set();
    for (const [key, { name }] of kinds) {
        for (let parent = parentOf(key); parent !== '' && !implied.has(parent); parent = parentOf(parent)) {
            const seen = kinds.get(parent);
            if (seen?.kind === 'link') {
                throw refuseEntry(zipPath, name, `lies under the symlink "${printable(seen.name)}": extracting it would write through the link`);
            }
            if (seen?.kind === 'file')
                throw conflict(zipPath, parent, seen, { kind: 'dir', name });
            implied.add(parent);
        }
    }
    for (const [key, { kind }] of kinds)
        if (kind === 'dir')
            implied.add(key);
    const dirs = [...implied].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : a > b ? 1 : 0));
    checkNoOverlap([...files, ...links], zipPath);
    return { dirs, files, links };
}
function depth(key) {
    let count = 0;
    for (let i = 0; i < key.length; i++)
        if (key.charCodeAt(i) === 47)
            count++;
    return count;
}
function conflict(zipPath, key, a, b) {
    const what = (x) => `${x.kind === 'dir' ? 'a directory' : x.kind === 'link' ? 'a symlink' : 'a file'} ("${printable(x.name)}")`;
    return new errors/* UserError */.yo(`Refusing to extract ${zipPath}: "${printable(key)}" is both ${what(a)} and ${what(b)}`, {
        hint: 'A path can only be one thing on disk; rebuild the zip with one of them.',
    });
}
function checkExtractable(entry, zipPath) {
    if (entry.encrypted) {
        throw new errors/* UserError */.yo(`${zipPath}: entry "${printable(entry.name)}" is encrypted`, {
            hint: 'Lambda cannot use encrypted zips.',
        });
    }
    if (entry.method !== 0 && entry.method !== 8) {
        throw new errors/* UserError */.yo(`${zipPath}: entry "${printable(entry.name)}" uses compression method ${entry.method}`, {
            hint: 'Only stored (0) and deflated (8) entries are supported, as by Lambda; re-create the zip with deflate.',
        });
    }
    if (entry.isSymlink && entry.size > MAX_LINK_TEXT_BYTES) {
        throw refuseEntry(zipPath, entry.name, `is a symlink of ${entry.size} bytes; a link text is a path`);
    }
}
/**
 * Each entry's bytes (local header and data) must lie before the next entry's header: entries
 * that share compressed data inflate it many times over (the "better zip bomb" construction).
 */
function checkNoOverlap(entries, zipPath) {
    const byOffset = entries
        .map(({ entry }) => entry)
        .sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    for (let i = 1; i < byOffset.length; i++) {
        const previous = byOffset[i - 1];
        const entry = byOffset[i];
        if (previous.localHeaderOffset + LOCAL_HEADER_SIZE + previous.compressedSize > entry.localHeaderOffset) {
            throw refuseEntry(zipPath, entry.name, `overlaps the data of "${printable(previous.name)}" in the archive (a zip bomb construction)`);
        }
    }
}
/**
 * Follows every symlink over the tree the zip describes, as the kernel would: each component in
 * turn, a link met on the way replaced by where it resolves. Refuses an absolute link, a `..`
 * above the destination, loops, and lookups through more links than Linux follows. Memoized (with
 * the number of links each one follows), so each link is resolved once whatever the chains.
 */
function checkSymlinks(plan, texts, zipPath) {
    const byKey = new Map(plan.links.map((link) => [link.key, link.entry.name]));
    /** Per link: where it resolves (the keys of its path prefixes; [] is the destination) and how many links that follows. */
    const resolved = new Map();
    const resolving = new Set();
    const resolve = (key, depthLeft) => {
        const done = resolved.get(key);
        if (done)
            return done;
        const name = byKey.get(key) ?? key;
        const text = texts.get(key) ?? '';
        const refuse = (why) => refuseEntry(zipPath, name, `is a symlink to "${printable(text)}", which ${why}`, 'A layer is extracted under /opt; links must stay inside it.');
        const tooMany = () => refuse(`goes through more than ${MAX_LINK_DEPTH} symlinks (Linux follows no more)`);
        if (resolving.has(key))
            throw refuse('loops back on itself (a symlink loop)');
        if (depthLeft === 0)
            throw tooMany();
        if (text === '' || text.includes('\0'))
            throw refuse('is not a path');
        if (text.startsWith('/'))
            throw refuse('is an absolute path outside the destination');
        resolving.add(key);
        let prefixes = [];
        let hops = 1;
        const parent = parentOf(key);
        if (parent !== '') {
            let at = '';
            for (const part of parent.split('/')) {
                at = at === '' ? part : `${at}/${part}`;
                prefixes.push(at);
            }
        }
        for (const part of text.split('/')) {
            if (part === '' || part === '.')
                continue;
            if (part === '..') {
                if (prefixes.length === 0)
                    throw refuse('points outside the destination');
                prefixes.pop();
                continue;
            }
            const last = prefixes[prefixes.length - 1];
            const next = last === undefined ? part : `${last}/${part}`;
            if (byKey.has(next)) {
                const through = resolve(next, depthLeft - 1);
                // The kernel counts every link it follows in one lookup, nested ones included.
                hops += through.hops;
                if (hops > MAX_LINK_DEPTH)
                    throw tooMany();
                prefixes = [...through.prefixes];
            }
            else {
                prefixes.push(next);
            }
        }
        resolving.delete(key);
        const result = { prefixes, hops };
        resolved.set(key, result);
        return result;
    };
    for (const link of plan.links)
        resolve(link.key, MAX_LINK_DEPTH);
}

;// CONCATENATED MODULE: ./src/zip/file-reader.ts
/**
 * yauzl's RandomAccessReader over a file descriptor, reading synchronously. yauzl's own file
 * reader queues every read on the threadpool: two per central directory record and a stream
 * per entry, so listing a 9,000-entry layer took 1.2 s instead of 25 ms, and the threadpool is
 * what the zip writer's deflate jobs run on. A read here is one pread of a few bytes or of one
 * chunk; the callback still runs asynchronously, as yauzl expects.
 */



/** Bytes read per call when streaming an entry's data. */
const CHUNK = 256 * 1024;
class SyncFileReader extends yauzl.RandomAccessReader {
    fd;
    closed = false;
    constructor(fd) {
        super();
        this.fd = fd;
    }
    read(buffer, offset, length, position, callback) {
        let bytesRead = 0;
        let failure = null;
        try {
            bytesRead = this.readFully(buffer, offset, length, position);
        }
        catch (error) {
            failure = error;
        }
        process.nextTick(callback, failure, bytesRead);
    }
    _readStreamForRange(start, end) {
        let at = start;
        const reader = this;
        return new external_node_stream_.Readable({
            read() {
                if (at >= end) {
                    this.push(null);
                    return;
                }
                const chunk = Buffer.allocUnsafe(Math.min(CHUNK, end - at));
                try {
                    const got = reader.readFully(chunk, 0, chunk.length, at);
                    if (got < chunk.length)
                        throw new Error('unexpected EOF');
                    at += got;
                    this.push(chunk);
                }
                catch (error) {
                    this.destroy(error);
                }
            },
        });
    }
    close(callback) {
        let failure = null;
        try {
            this.dispose();
        }
        catch (error) {
            failure = error;
        }
        process.nextTick(callback, failure);
    }
    /** Closes the file once, whoever asks first (yauzl when the zip closes, or the opener). */
    dispose() {
        if (this.closed)
            return;
        this.closed = true;
        (0,external_node_fs_.closeSync)(this.fd);
    }
    /** Reads up to `length` bytes at `position`; returns how many (fewer at the end of the file). */
    readFully(buffer, offset, length, position) {
        let done = 0;
        while (done < length) {
            const got = (0,external_node_fs_.readSync)(this.fd, buffer, offset + done, length - done, position + done);
            if (got === 0)
                break;
            done += got;
        }
        return done;
    }
}

// EXTERNAL MODULE: ./src/zip/format.ts
var format = __nccwpck_require__(4632);
;// CONCATENATED MODULE: ./src/zip/names.ts
/** Decoding an entry's name bytes the way the tools that write layer zips mean them. */

const FLAG_UTF8 = 0x800;
/** Info-ZIP Unicode Path extra field: the UTF-8 name when the header's name is not flagged UTF-8. */
const UNICODE_PATH_EXTRA_ID = 0x7075;
const utf8 = new TextDecoder('utf-8', { fatal: true });
// Code page 437 for bytes 0x80-0xFF: what APPNOTE says an unflagged name is.
const CP437_HIGH = 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';
/**
 * The entry's name: yauzl's decoding when the name is flagged UTF-8 or carries a Unicode Path
 * field; otherwise valid UTF-8 is read as UTF-8 (tools on Linux, Info-ZIP among them, write the
 * file system's bytes unflagged, and those are UTF-8 in practice) and anything else as CP437.
 * Backslashes are kept: the extraction policy decides what they mean.
 */
function decodeEntryName(flags, nameBytes, extraFields) {
    if ((flags & FLAG_UTF8) !== 0 || extraFields.some((field) => field.id === UNICODE_PATH_EXTRA_ID)) {
        return yauzl.getFileNameLowLevel(flags, nameBytes, extraFields, true);
    }
    try {
        return utf8.decode(nameBytes);
    }
    catch {
        let name = '';
        for (const byte of nameBytes)
            name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
        return name;
    }
}

;// CONCATENATED MODULE: ./src/zip/reader.ts
/**
 * Reading zips, including ones made elsewhere (Info-ZIP `zip`, Python's zipfile, this project's
 * writer): yauzl parses the container (central directory, ZIP64, local headers, bounds) and holds
 * each entry's inflated bytes to the size its header declares, stopping at the first byte past
 * it. What is ours is the extraction policy (./containment.ts), the CRC check, and turning every
 * failure into one line that names the zip and the entry.
 *
 * Extraction creates nothing until the whole zip has passed the policy: names, duplicates,
 * file/directory clashes, symlink targets (resolved through the zip's own tree), declared sizes.
 */











const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const S_IFREG = 0o100000;
/** "Version made by" hosts whose external attributes carry a Unix mode: Unix and macOS. */
const UNIX_HOSTS = new Set([3, 19]);
const FLAG_ENCRYPTED = 0x1;
/**
 * Entries declaring up to this many bytes are gathered in memory and written in one call: per
 * small file, a write stream's open/write/close round trips cost more than the inflating. Larger
 * ones are streamed to disk. Either way memory is bounded by this, as yauzl stops at the
 * declared size.
 */
const IN_MEMORY_ENTRY = 4 * 1024 * 1024;
/**
 * More entries than this are refused before any is kept in memory: each costs a few hundred
 * bytes listed, and no layer comes near it (the largest in the benchmark have under 20,000).
 */
const MAX_ENTRIES = 1_000_000;
/** Lists the entries of a zip from its central directory. */
async function listZip(zipPath) {
    return withZip(zipPath, async (_zip, entries) => entries.map((entry) => entry.info));
}
/** The uncompressed bytes of one entry, checked against its size and CRC. */
async function readZipEntry(zipPath, name) {
    return withZip(zipPath, async (zip, entries) => {
        const entry = entries.find((e) => e.info.name === name);
        if (!entry)
            throw new UserError(`${zipPath} has no entry named ${name}`);
        planExtraction([entry.info], zipPath, { destinationLength: 0 }); // method, encryption
        return readContent(zip, entry);
    });
}
/**
 * Extracts a zip into `destDir` (created if missing). Nothing is created until every entry has
 * passed the policy; files get 0755 when the entry had any execute bit, else 0644; symlinks are
 * created last. On a failure part-way (a CRC mismatch, a lying size) what was written stays:
 * callers extract into a temporary folder they remove.
 */
async function extractZip(zipPath, destDir, options = {}) {
    return withZip(zipPath, async (zip, entries) => {
        const plan = containment_planExtraction(entries.map((e) => e.info), zipPath, {
            maxBytes: options.maxBytes,
            destinationLength: Buffer.byteLength(external_node_path_.resolve(destDir)),
        });
        const byInfo = new Map(entries.map((e) => [e.info, e]));
        const open = (info) => byInfo.get(info);
        const texts = new Map();
        for (const link of plan.links) {
            texts.set(link.key, (await readContent(zip, open(link.entry))).toString('utf8'));
        }
        checkSymlinks(plan, texts, zipPath);
        // Accepted: from here on, create.
        const root = onDisk(destDir, () => {
            (0,external_node_fs_.mkdirSync)(destDir, { recursive: true });
            return (0,external_node_fs_.realpathSync)(destDir);
        });
        // Parents first, one level at a time, so that a link or file already in the destination is
        // refused rather than followed (mkdir -p would follow it).
        for (const dir of plan.dirs) {
            onDisk(external_node_path_.join(root, dir), (target) => {
                try {
                    (0,external_node_fs_.mkdirSync)(target);
                }
                catch (error) {
                    if (error.code !== 'EEXIST')
                        throw error;
                    if (!(0,external_node_fs_.lstatSync)(target).isDirectory()) {
                        throw new errors/* UserError */.yo(`cannot extract ${zipPath}: ${target} already exists and is not a folder`, {
                            hint: 'Extract into an empty folder.',
                        });
                    }
                }
            });
        }
        let bytes = 0;
        for (const { entry, key } of plan.files) {
            const target = external_node_path_.join(root, key);
            const mode = (entry.mode & 0o111) !== 0 ? 0o755 : 0o644;
            onDisk(target, () => (0,external_node_fs_.rmSync)(target, { force: true }));
            if (isSmall(entry)) {
                const content = await readContent(zip, open(entry));
                onDisk(target, () => writeNew(target, content, mode));
            }
            else {
                await streamToFile(zip, open(entry), target, mode);
            }
            // The umask may have taken bits from the mode given at creation.
            onDisk(target, () => (0,external_node_fs_.chmodSync)(target, mode));
            bytes += entry.size;
        }
        for (const { entry, key } of plan.links) {
            const target = external_node_path_.join(root, key);
            onDisk(target, () => {
                (0,external_node_fs_.rmSync)(target, { force: true });
                (0,external_node_fs_.symlinkSync)(texts.get(key), target);
            });
            // Checked over the zip's tree already; this checks the real one, which may hold more.
            const real = realpathOrUndefined(target);
            if (real !== undefined && !isInside(root, real)) {
                (0,external_node_fs_.rmSync)(target, { force: true });
                throw refuseEntry(zipPath, entry.name, `is a symlink that resolves outside ${destDir} (to ${real})`);
            }
        }
        return { files: plan.files.length, bytes };
    });
}
/**
 * Where an entry goes under `root`, or a UserError when its name is absolute or climbs out
 * (zip-slip). Backslashes count as separators: some Windows tools write them.
 * Returns undefined for a name that is the root itself (e.g. "./").
 */
function safeTarget(root, name, zipPath) {
    const key = entryKey(name, zipPath);
    return key === '' ? undefined : path.join(root, key);
}
function isInside(root, real) {
    return real === root || real.startsWith(root + external_node_path_.sep);
}
function realpathOrUndefined(target) {
    try {
        return (0,external_node_fs_.realpathSync)(target);
    }
    catch {
        return undefined; // dangling inside the tree: harmless, as on Lambda
    }
}
/** Creates `target` (which must not exist: O_EXCL never follows a link) holding `content`. */
function writeNew(target, content, mode) {
    const fd = (0,external_node_fs_.openSync)(target, 'wx', mode);
    try {
        let written = 0;
        while (written < content.length)
            written += (0,external_node_fs_.writeSync)(fd, content, written);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
// --- yauzl, and its failures as one line each ------------------------------------------------
async function withZip(zipPath, use) {
    const { reader, size } = openZipFile(zipPath);
    let zip;
    try {
        zip = await yauzl.fromRandomAccessReaderPromise(reader, size, {
            lazyEntries: true,
            autoClose: false,
            decodeStrings: false, // names are decoded and judged by our policy, not refused by yauzl
            validateEntrySizes: true,
        });
    }
    catch (error) {
        reader.dispose();
        throw zipFileError(zipPath, error);
    }
    try {
        if (zip.entryCount > MAX_ENTRIES) {
            throw new errors/* UserError */.yo(`${zipPath} lists ${zip.entryCount} entries, more than the ${MAX_ENTRIES} read here`, {
                hint: 'No Lambda layer has that many files; the archive may be malicious or broken.',
            });
        }
        const entries = [];
        try {
            for await (const raw of zip.eachEntry()) {
                const info = describe(raw);
                entries.push({ raw: slim(raw), info });
            }
        }
        catch (error) {
            throw notAZip(zipPath, error.message);
        }
        return await use({ path: zipPath, zip, reader }, entries);
    }
    finally {
        zip.close();
        reader.dispose();
    }
}
/**
 * Opens a zip for reading entries one by one (a wheel being installed), closed when `use` ends.
 * Entries with an unsupported method or encryption are refused when read.
 */
async function withZipArchive(zipPath, use) {
    return withZip(zipPath, async (zip, entries) => {
        const byInfo = new Map(entries.map((e) => [e.info, e]));
        return use({
            entries: entries.map((e) => e.info),
            read: async (info) => {
                const entry = byInfo.get(info);
                if (!entry)
                    throw new errors/* UserError */.yo(`${zipPath}: ${info.name} is not an entry of this zip`);
                containment_planExtraction([info], zipPath, { destinationLength: 0 }); // method, encryption
                return readContent(zip, entry);
            },
            dataStart: async (info) => {
                const entry = byInfo.get(info);
                if (!entry)
                    throw new errors/* UserError */.yo(`${zipPath}: ${info.name} is not an entry of this zip`);
                try {
                    return (await zip.zip.readLocalFileHeaderPromise(entry.raw, { minimal: true })).fileDataStart;
                }
                catch (error) {
                    throw dataError(zipPath, info, error);
                }
            },
        });
    });
}
/** Why `zipPath` cannot be opened as a zip, as one line naming it. */
function zipFileError(zipPath, error) {
    const code = error.code;
    const pass = { hint: 'Pass the path of a zip file.' };
    switch (code) {
        case 'ENOENT':
            return new errors/* UserError */.yo(`${zipPath}: no such file`, pass);
        case 'EISDIR':
            return new errors/* UserError */.yo(`${zipPath} is a directory, not a zip file`, pass);
        case 'ENOTDIR':
            return new errors/* UserError */.yo(`${zipPath}: a folder in this path is a file`, pass);
        case 'ELOOP':
            return new errors/* UserError */.yo(`${zipPath} is a symbolic link that loops back on itself`, pass);
        case 'ENAMETOOLONG':
            return new errors/* UserError */.yo(`${zipPath}: the path is too long for the file system`, pass);
        case 'EACCES':
        case 'EPERM':
            return new errors/* UserError */.yo(`${zipPath} cannot be read: permission denied`, {
                hint: 'Check its permissions.',
            });
        default:
            return notAZip(zipPath, error.message);
    }
}
/** Opens a regular file only: opening a FIFO would wait for a writer forever. */
function openZipFile(zipPath) {
    let stats;
    try {
        stats = (0,external_node_fs_.statSync)(zipPath);
    }
    catch (error) {
        throw zipFileError(zipPath, error);
    }
    if (stats.isDirectory())
        throw zipFileError(zipPath, Object.assign(new Error('directory'), { code: 'EISDIR' }));
    if (!stats.isFile()) {
        throw new errors/* UserError */.yo(`${zipPath} is not a regular file (a device, FIFO or socket)`, {
            hint: 'Pass the path of a zip file.',
        });
    }
    try {
        const fd = (0,external_node_fs_.openSync)(zipPath, 'r');
        return { reader: new SyncFileReader(fd), size: (0,external_node_fs_.fstatSync)(fd).size };
    }
    catch (error) {
        throw zipFileError(zipPath, error);
    }
}
function notAZip(zipPath, why) {
    return new errors/* UserError */.yo(`${zipPath} is not a readable zip: ${why}`, {
        hint: 'Check the path, or rebuild the zip.',
    });
}
function corrupt(zipPath, info, why) {
    return new errors/* UserError */.yo(`${zipPath} is corrupt: entry "${printable(info.name)}": ${why}`, {
        hint: 'Rebuild or re-download the zip.',
    });
}
/** What yauzl or zlib reported while reading an entry's data, said about the entry. */
function dataError(zipPath, info, error) {
    if (error instanceof errors/* UserError */.yo)
        return error;
    const message = error.message ?? String(error);
    if (/^too many bytes in the stream/.test(message)) {
        return corrupt(zipPath, info, `it inflates to more than the ${info.size} bytes its header declares (a zip bomb?)`);
    }
    if (/^not enough bytes in the stream/.test(message)) {
        return corrupt(zipPath, info, `it holds fewer bytes than the ${info.size} its header declares`);
    }
    if (error.code?.startsWith('Z_')) {
        return corrupt(zipPath, info, `its deflate data is invalid (${message})`);
    }
    return corrupt(zipPath, info, message);
}
/** A file system failure while extracting, as one line naming the path. */
function onDisk(target, act) {
    try {
        return act(target);
    }
    catch (error) {
        if (error instanceof errors/* UserError */.yo)
            throw error;
        const code = error.code ?? 'error';
        throw new errors/* UserError */.yo(`cannot extract to ${target}: ${code} (${error.message})`, {
            hint: code === 'ENOSPC'
                ? 'The disk is full; free space or extract elsewhere.'
                : 'Check that the destination is a writable folder.',
        });
    }
}
/**
 * Drops what yauzl keeps per entry but reading its data never uses (raw name, extra fields,
 * comment: a few hundred bytes each) once `describe` has what it needs from them.
 */
function slim(raw) {
    const emptied = raw;
    for (const field of [
        'fileNameRaw',
        'extraFieldRaw',
        'fileCommentRaw',
        'fileName',
        'fileComment',
        'comment',
    ]) {
        emptied[field] = undefined;
    }
    raw.extraFields = [];
    return raw;
}
function describe(raw) {
    const name = decodeEntryName(raw.generalPurposeBitFlag, raw.fileNameRaw, raw.extraFields);
    const unixMode = UNIX_HOSTS.has(raw.versionMadeBy >> 8) ? raw.externalFileAttributes >>> 16 : 0;
    const looksLikeDirectory = name.endsWith('/') || (raw.externalFileAttributes & 0x10) !== 0;
    const mode = unixMode !== 0 ? unixMode : looksLikeDirectory ? S_IFDIR | 0o755 : S_IFREG | 0o644;
    const type = mode & S_IFMT;
    return {
        name,
        size: raw.uncompressedSize,
        compressedSize: raw.compressedSize,
        crc32: raw.crc32,
        mode,
        isDirectory: name.endsWith('/') || type === S_IFDIR,
        isSymlink: type === S_IFLNK && !name.endsWith('/'),
        method: raw.compressionMethod,
        encrypted: (raw.generalPurposeBitFlag & FLAG_ENCRYPTED) !== 0,
        localHeaderOffset: raw.relativeOffsetOfLocalHeader,
    };
}
// --- entry data ------------------------------------------------------------------------------
function isSmall(info) {
    return info.size <= IN_MEMORY_ENTRY && info.compressedSize <= IN_MEMORY_ENTRY;
}
/** An entry's whole content, checked against its declared size and CRC. */
async function readContent(z, entry) {
    const content = isSmall(entry.info) ? await readSmall(z, entry) : await readStreamed(z, entry);
    if (content.length !== entry.info.size) {
        throw corrupt(z.path, entry.info, `it holds ${content.length} bytes, the directory says ${entry.info.size}`);
    }
    if ((0,format/* crc32 */.QR)(content) !== entry.info.crc32)
        throw corrupt(z.path, entry.info, 'its CRC-32 does not match');
    return content;
}
/**
 * A small entry read and inflated in one synchronous call each (yauzl finds and bounds-checks
 * its data). A stream per entry costs more than the inflating for the small files a layer is
 * mostly made of; zlib's maxOutputLength stops inflating past the declared size, as yauzl does.
 */
async function readSmall(z, entry) {
    const { info } = entry;
    let start;
    try {
        start = (await z.zip.readLocalFileHeaderPromise(entry.raw, { minimal: true })).fileDataStart;
    }
    catch (error) {
        throw dataError(z.path, info, error);
    }
    const raw = Buffer.allocUnsafe(info.compressedSize);
    if (z.reader.readFully(raw, 0, raw.length, start) < raw.length) {
        throw corrupt(z.path, info, 'its data runs past the end of the file');
    }
    if (info.method === 0)
        return raw;
    try {
        return (0,external_node_zlib_.inflateRawSync)(raw, { maxOutputLength: Math.max(info.size, 1) });
    }
    catch (error) {
        if (error.code === 'ERR_BUFFER_TOO_LARGE')
            throw tooLarge(z.path, info);
        throw corrupt(z.path, info, `its deflate data is invalid (${error.message})`);
    }
}
function tooLarge(zipPath, info) {
    return corrupt(zipPath, info, `it inflates to more than the ${info.size} bytes its header declares (a zip bomb?)`);
}
async function openData(z, entry) {
    try {
        return await z.zip.openReadStreamPromise(entry.raw);
    }
    catch (error) {
        throw dataError(z.path, entry.info, error);
    }
}
/** Computes the CRC-32 of what passes through; checks it, and the size, at the end. */
function crcCheck(zipPath, info) {
    let checksum = 0;
    let size = 0;
    return new external_node_stream_.Transform({
        transform(chunk, _encoding, done) {
            checksum = (0,format/* crc32 */.QR)(chunk, checksum);
            size += chunk.length;
            done(null, chunk);
        },
        flush(done) {
            if (size !== info.size)
                done(corrupt(zipPath, info, `it holds ${size} bytes, the directory says ${info.size}`));
            else if (checksum !== info.crc32)
                done(corrupt(zipPath, info, 'its CRC-32 does not match'));
            else
                done();
        },
    });
}
/** A large entry in memory (readZipEntry only): yauzl's stream stops at the declared size. */
async function readStreamed(z, entry) {
    const chunks = [];
    const sink = new external_node_stream_.Writable({
        write(chunk, _encoding, done) {
            chunks.push(chunk);
            done();
        },
    });
    try {
        await (0,promises_namespaceObject.pipeline)(await openData(z, entry), sink);
    }
    catch (error) {
        throw dataError(z.path, entry.info, error);
    }
    return Buffer.concat(chunks);
}
/** A large entry streamed to a new file `target`, size and CRC checked on the way. */
async function streamToFile(z, entry, target, mode) {
    const source = await openData(z, entry);
    try {
        await (0,promises_namespaceObject.pipeline)(source, crcCheck(z.path, entry.info), (0,external_node_fs_.createWriteStream)(target, { flags: 'wx', mode }));
    }
    catch (error) {
        if (error.syscall !== undefined) {
            onDisk(target, () => {
                throw error;
            });
        }
        throw dataError(z.path, entry.info, error);
    }
}


/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 4708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "cli-" + chunkId + ".js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(5581);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ var __webpack_exports__main = __webpack_exports__.i;
/******/ export { __webpack_exports__main as main };
/******/ 
